import type { PendingItem, Question, Role } from '@podium/shared'
import { ModDoc, newId, PublicDoc, QUESTION_DEFAULTS } from '@podium/shared'
import * as Y from 'yjs'
import { trackDocs } from '../../src/lib/doc-changes.ts'
import type { StaffRoom } from '../../src/staff/model/room.ts'

/**
 * A staff room over fresh, real Y.Docs, for component tests: the same accessors the
 * consoles use, version and presence signals bumped as a live connection bumps them, and a
 * clock the test sets.
 */
export function createTestRoom(options: { role?: Role; name?: string | null; now?: number } = {}) {
  const pubDoc = new Y.Doc()
  const modDoc = new Y.Doc()
  const { version, presence } = trackDocs({ public: pubDoc, others: [modDoc] })
  let now = options.now ?? 1_700_000_000_000
  const pub = new PublicDoc(pubDoc)
  pub.setMeta({
    title: 'Town hall',
    description: '',
    status: 'live',
    code: 'ABC234',
    createdAt: now,
  })
  const room: StaffRoom = {
    sessionId: 'session-1',
    token: 'token-1',
    actor: {
      userId: 'mod-1',
      name: options.name === undefined ? 'Mia' : options.name,
      role: options.role ?? 'moderator',
    },
    pub,
    mod: new ModDoc(modDoc),
    version,
    presence,
    serverNow: () => now,
  }
  return {
    room,
    setNow(value: number) {
      now = value
    },
    addQuestion(patch: Partial<Question> = {}): Question {
      const question: Question = {
        id: newId(),
        text: 'What is next?',
        authorId: 'user-1',
        authorName: 'Ada',
        createdAt: now,
        ...QUESTION_DEFAULTS,
        labels: [],
        ...patch,
      }
      pub.putQuestion(question)
      return question
    },
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
      room.mod.enqueue(item)
      return item
    },
  }
}
