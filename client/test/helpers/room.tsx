import {
  ModDoc,
  newId,
  OutboxDoc,
  type PendingItem,
  PublicDoc,
  QUESTION_DEFAULTS,
  type Question,
  type Receipt,
  type Role,
  type SessionSettings,
} from '@podium/shared'
import { render } from '@solidjs/testing-library'
import { createSignal, type JSX } from 'solid-js'
import * as Y from 'yjs'
import type { ConnectionStatus } from '../../src/lib/connection-status.ts'
import { trackDocs } from '../../src/lib/doc-changes.ts'
import type { Identity } from '../../src/lib/identity.ts'
import { RoomContext, type RoomModel } from '../../src/room/context.ts'
import type { StaffRoom } from '../../src/staff/model/room.ts'

const SESSION_ID = 'session-1'

/** The attendee the room is shown to. */
export const me: Identity = {
  sessionId: SESSION_ID,
  userId: 'user00me',
  token: 'token',
  role: 'attendee',
  name: 'Ada',
}

/**
 * A session over real Y.Docs and the shared accessors, with no server, for component
 * tests: what the attendee room reads (`model`, shown to `me`) and what the staff screens
 * read (`room`, acting as moderator Mia unless told otherwise), version and presence
 * signals bumped as a live connection bumps them, and a clock the test sets. The test
 * plays the server's part: it publishes questions, queues items for review and writes
 * receipts.
 */
export function createTestRoom(
  options: {
    /** The staff member's role and name. */
    role?: Role
    name?: string | null
    /** The server's clock (ms); `setNow` moves it. */
    now?: number
    settings?: Partial<SessionSettings>
    /** The attendee the room is shown to. */
    identity?: Identity
  } = {},
) {
  const publicDoc = new Y.Doc()
  const modDoc = new Y.Doc()
  const outboxDoc = new Y.Doc()
  let now = options.now ?? 1_700_000_000_000
  /** Times of outbox entries and receipts: always increasing, apart from the server's clock. */
  let clock = 1_000
  const pub = new PublicDoc(publicDoc)
  const mod = new ModDoc(modDoc)
  const outbox = new OutboxDoc(outboxDoc, () => ++clock)
  pub.setMeta({
    title: 'Town hall',
    description: '',
    status: 'live',
    code: 'ABC234',
    createdAt: now,
  })
  if (options.settings) pub.setSettings(options.settings)

  const tracked = trackDocs({ public: publicDoc, outbox: outboxDoc, others: [modDoc] })
  const [status, setStatus] = createSignal<ConnectionStatus>('online')
  const [unsynced, setUnsynced] = createSignal(0)
  outboxDoc.on('update', () => setUnsynced(outbox.unsynced().length))
  const serverNow = () => now

  const model: RoomModel = {
    identity: options.identity ?? me,
    public: pub,
    outbox,
    version: tracked.version,
    presence: tracked.presence,
    changes: tracked.changes,
    status,
    unsynced,
    synced: () => true,
    serverNow,
  }
  const room: StaffRoom = {
    sessionId: SESSION_ID,
    token: 'token-1',
    actor: {
      userId: 'mod-1',
      name: options.name === undefined ? 'Mia' : options.name,
      role: options.role ?? 'moderator',
    },
    pub,
    mod,
    version: tracked.version,
    presence: tracked.presence,
    serverNow,
  }

  return {
    model,
    room,
    pub,
    mod,
    outbox,
    setStatus,
    setNow(value: number) {
      now = value
    },
    /** Renders `ui` inside the attendee room. */
    mount(ui: () => JSX.Element) {
      return render(() => <RoomContext.Provider value={model}>{ui()}</RoomContext.Provider>)
    },
    /** Publishes a question as the server's ingest would. */
    addQuestion(patch: Partial<Question> = {}): Question {
      const question: Question = {
        id: newId(),
        text: 'What is next?',
        authorId: 'user-1',
        authorName: 'Bea',
        createdAt: now,
        ...QUESTION_DEFAULTS,
        labels: [],
        ...patch,
      }
      pub.putQuestion(question)
      return question
    },
    /** Queues an item for review as the server's ingest does with pre-moderation on. */
    addPending(patch: Partial<PendingItem> = {}): PendingItem {
      const item: PendingItem = {
        id: newId(),
        kind: 'question',
        questionId: null,
        text: 'Is this allowed?',
        authorId: 'user-2',
        authorName: 'Bo',
        createdAt: now,
        decision: null,
        ...patch,
      }
      mod.enqueue(item)
      return item
    },
    /** Receipts an outbox entry as the server would. */
    receipt(entryId: string, status: Receipt['status'], extra: Partial<Receipt> = {}) {
      const entry = outbox.entry(entryId)
      if (!entry) throw new Error(`no outbox entry ${entryId}`)
      outbox.setReceipt(entryId, { status, seq: entry.seq, at: ++clock, ...extra })
    },
  }
}
