import { describe, expect, it } from 'vitest'
import {
  accessFor,
  FIELD_WRITERS,
  mayWriteField,
  PERMISSION_TABLE,
  writerOf,
} from '../src/permissions.ts'
import type { Role } from '../src/roles.ts'

const session = 'sess0001'
const other = 'sess0002'
const me = 'user0001'
const you = 'user0002'
const as = (role: Role) => ({ userId: me, sessionId: session, role })

describe('permission table (DESIGN.md)', () => {
  const rows: Array<[string, Role, string]> = [
    [`session/${session}`, 'attendee', 'read'],
    [`session/${session}`, 'moderator', 'write'],
    [`session/${session}`, 'host', 'write'],
    [`session/${session}`, 'presenter', 'write'],
    [`session/${session}/mod`, 'attendee', 'none'],
    [`session/${session}/mod`, 'moderator', 'write'],
    [`session/${session}/mod`, 'host', 'write'],
    [`session/${session}/mod`, 'presenter', 'write'],
    [`session/${session}/user/${me}`, 'attendee', 'write'],
    [`session/${session}/user/${me}`, 'moderator', 'write'],
    [`session/${session}/user/${me}`, 'host', 'write'],
    [`session/${session}/user/${you}`, 'attendee', 'none'],
    [`session/${session}/user/${you}`, 'moderator', 'none'],
    [`session/${session}/user/${you}`, 'host', 'none'],
    [`session/${session}/user/${you}`, 'presenter', 'none'],
  ]
  it.each(rows)('%s as %s → %s', (name, role, expected) => {
    expect(accessFor(as(role), name)).toBe(expected)
  })

  it('refuses every document of another session, whatever the role', () => {
    for (const role of Object.keys(PERMISSION_TABLE.public) as Role[]) {
      expect(accessFor(as(role), `session/${other}`)).toBe('none')
      expect(accessFor(as(role), `session/${other}/mod`)).toBe('none')
      expect(accessFor(as(role), `session/${other}/user/${me}`)).toBe('none')
    }
  })

  it.each([
    '',
    'session',
    'session/',
    `session/${session}/`,
    `session/${session}/mod/extra`,
    `session/${session}/user`,
    `session/${session}/user/`,
    `session/${session}/user/${me}/x`,
    `session/../${session}`,
    `sessions/${session}`,
    `session/${session}/admin`,
    `session/a b c d e/mod`,
  ])('refuses the malformed name %j', (name) => {
    expect(accessFor(as('host'), name)).toBe('none')
  })
})

describe('field writers (FIELD_WRITERS): parts of shared documents not every staff role may change', () => {
  const rows: Array<[kind: 'public' | 'mod', path: string, writer: string]> = [
    ['public', 'meta.status', 'host'],
    ['public', 'meta.title', 'host'],
    ['public', 'meta.code', 'server'],
    ['public', 'meta.createdAt', 'server'],
    ['public', 'settings.preModeration', 'host'],
    ['public', 'settings.anything', 'host'],
    ['public', 'presence.instance1', 'server'],
    ['public', 'stage.timer', 'server'],
    ['public', 'stage.timerCommand', 'staff'],
    ['public', 'stage.spotlightQuestionId', 'staff'],
    ['public', 'questions.q1', 'staff'],
    ['public', 'questions.q1.pinned', 'staff'],
    ['public', 'questions.q1.votes', 'server'],
    ['public', 'questions.q1.body', 'staff'],
    ['public', 'replies.r1', 'staff'],
    ['public', 'labels.l1', 'staff'],
    ['public', 'videoStage.u1', 'staff'],
    ['mod', 'attendees.u1', 'server'],
    ['mod', 'rejected.i1', 'server'],
    ['mod', 'peer.room', 'server'],
    ['mod', 'queue.i1', 'staff'],
    ['mod', 'decisions.i1', 'staff'],
    ['mod', 'notes.q1', 'staff'],
  ]
  it.each(rows)('%s %s → %s', (kind, path, writer) => {
    expect(writerOf(kind, path.split('.'))).toBe(writer)
  })

  it('gives host fields to the host only, server fields to no client, the rest to all staff', () => {
    const staff: Role[] = ['host', 'moderator', 'presenter']
    for (const role of staff) {
      expect(mayWriteField(role, 'public', ['meta', 'status'])).toBe(role === 'host')
      expect(mayWriteField(role, 'public', ['settings', 'qaOpen'])).toBe(role === 'host')
      expect(mayWriteField(role, 'public', ['questions', 'q1', 'votes'])).toBe(false)
      expect(mayWriteField(role, 'mod', ['attendees', 'u1'])).toBe(false)
      expect(mayWriteField(role, 'public', ['questions', 'q1', 'answered'])).toBe(true)
      expect(mayWriteField(role, 'mod', ['decisions', 'i1'])).toBe(true)
    }
    // An attendee writes neither document (its connection is read-only or refused).
    expect(mayWriteField('attendee', 'public', ['stage', 'spotlightQuestionId'])).toBe(false)
    expect(mayWriteField('attendee', 'mod', ['notes', 'q1'])).toBe(false)
  })

  it('names only real roots of the documents', () => {
    const roots = {
      public: [
        'meta',
        'settings',
        'presence',
        'stage',
        'questions',
        'replies',
        'labels',
        'reactions',
        'calledOn',
        'polls',
        'pollResults',
        'leaderboards',
        'recording',
      ],
      mod: [
        'queue',
        'decisions',
        'rejected',
        'notes',
        'attendees',
        'peer',
        'hands',
        'pollSecrets',
        'pollResults',
      ],
    }
    for (const [kind, rules] of Object.entries(FIELD_WRITERS) as Array<
      [keyof typeof roots, ReadonlyArray<readonly [string, string]>]
    >) {
      for (const [pattern] of rules) expect(roots[kind]).toContain(pattern.split('.')[0])
    }
  })
})
