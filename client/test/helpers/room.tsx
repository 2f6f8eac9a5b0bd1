import {
  OutboxDoc,
  PublicDoc,
  QUESTION_DEFAULTS,
  type Question,
  type Receipt,
  type SessionSettings,
} from '@podium/shared'
import { render } from '@solidjs/testing-library'
import { createSignal, type JSX } from 'solid-js'
import * as Y from 'yjs'
import type { ConnectionStatus } from '../../src/lib/connection-status.ts'
import { trackDocs } from '../../src/lib/doc-changes.ts'
import type { Identity } from '../../src/lib/identity.ts'
import { RoomContext, type RoomModel } from '../../src/room/context.ts'

export const me: Identity = {
  sessionId: 'session01',
  userId: 'user00me',
  token: 'token',
  role: 'attendee',
  name: 'Ada',
}

/**
 * A room over real Y.Docs and the shared accessors, with no server: the test plays
 * the server's part by writing the public document and receipts.
 */
export function testRoom(
  options: { settings?: Partial<SessionSettings>; identity?: Identity } = {},
) {
  const identity = options.identity ?? me
  const publicDoc = new Y.Doc()
  const outboxDoc = new Y.Doc()
  const pub = new PublicDoc(publicDoc)
  let clock = 1_000
  const outbox = new OutboxDoc(outboxDoc, () => ++clock)
  pub.setMeta({ title: 'Town hall', description: '', status: 'live', code: 'ABC234', createdAt: 1 })
  if (options.settings) pub.setSettings(options.settings)

  const tracked = trackDocs({ public: publicDoc, outbox: outboxDoc })
  const [status, setStatus] = createSignal<ConnectionStatus>('online')
  const [unsynced, setUnsynced] = createSignal(0)
  outboxDoc.on('update', () => setUnsynced(outbox.unsynced().length))

  const model: RoomModel = {
    identity,
    public: pub,
    outbox,
    version: tracked.version,
    presence: tracked.presence,
    changes: tracked.changes,
    status,
    unsynced,
    synced: () => true,
    serverNow: () => Date.now(),
  }

  return {
    model,
    pub,
    outbox,
    setStatus,
    mount(ui: () => JSX.Element) {
      return render(() => <RoomContext.Provider value={model}>{ui()}</RoomContext.Provider>)
    },
    /** Publishes a question as the server's ingest would. */
    publish(question: Partial<Question> & { id: string; text: string }) {
      pub.putQuestion({
        authorId: 'someone',
        authorName: 'Someone',
        createdAt: ++clock,
        ...QUESTION_DEFAULTS,
        labels: [],
        ...question,
      })
    },
    /** Receipts an outbox entry as the server would. */
    receipt(entryId: string, status: Receipt['status'], extra: Partial<Receipt> = {}) {
      const entry = outbox.entry(entryId)
      if (!entry) throw new Error(`no outbox entry ${entryId}`)
      outbox.setReceipt(entryId, { status, seq: entry.seq, at: ++clock, ...extra })
    },
  }
}
