import { Document } from '@hocuspocus/server'
import {
  type AuditEntry,
  accessFor,
  documentName,
  mayWriteField,
  parseDocumentName,
  type Role,
  WriteRefused,
} from '@podium/shared'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { FieldGuard } from '../src/auth/field-guard.ts'
import type { ConnectionContext } from '../src/sync/context.ts'

/**
 * The rules of docs/permissions.md held to the code that decides them: `accessFor` for
 * which document a token opens, `mayWriteField` for who may change a field, and the
 * `FieldGuard` extension, run on a real Hocuspocus document, for what happens to a
 * connection's change that its role may not make. One test per rule, titled with its id.
 */

const SESSION = 'session-rules-01'
const OTHER_SESSION = 'session-rules-02'
const ME = 'user-me-00001'
const YOU = 'user-you-0001'
const ROLES: Role[] = ['attendee', 'moderator', 'host', 'presenter']
const STAFF: Role[] = ['moderator', 'host', 'presenter']

const principal = (role: Role, sessionId = SESSION) => ({ userId: ME, sessionId, role })
const accessOf = (name: string) =>
  Object.fromEntries(ROLES.map((role) => [role, accessFor(principal(role), name)]))

describe('which documents a token opens', () => {
  it('PERM-DOC-1: the public document is read by attendees and written by staff', () => {
    expect(accessOf(documentName.public(SESSION))).toEqual({
      attendee: 'read',
      moderator: 'write',
      host: 'write',
      presenter: 'write',
    })
  })

  it("PERM-DOC-2: the moderators' document is refused to attendees and written by staff", () => {
    expect(accessOf(documentName.mod(SESSION))).toEqual({
      attendee: 'none',
      moderator: 'write',
      host: 'write',
      presenter: 'write',
    })
  })

  it("PERM-DOC-3: someone else's outbox is refused to every role, the host's too", () => {
    expect(accessOf(documentName.outbox(SESSION, YOU))).toEqual({
      attendee: 'none',
      moderator: 'none',
      host: 'none',
      presenter: 'none',
    })
  })

  it("PERM-DOC-4: one's own outbox is writable whatever the role", () => {
    expect(accessOf(documentName.outbox(SESSION, ME))).toEqual({
      attendee: 'write',
      moderator: 'write',
      host: 'write',
      presenter: 'write',
    })
  })

  it("PERM-DOC-5: another session's documents are never accessible, one's own outbox there neither", () => {
    for (const role of ROLES) {
      for (const name of [
        documentName.public(OTHER_SESSION),
        documentName.mod(OTHER_SESSION),
        documentName.outbox(OTHER_SESSION, ME),
      ]) {
        expect(accessFor(principal(role), name), `${role} ${name}`).toBe('none')
      }
      // The token's own session opens them as the table says.
      expect(accessFor(principal(role), documentName.public(SESSION))).not.toBe('none')
      expect(accessFor(principal(role), documentName.outbox(SESSION, ME))).toBe('write')
    }
  })

  it('PERM-DOC-6: a name that is not one of the three shapes gets none', () => {
    const malformed = [
      '',
      'session',
      `session/${SESSION}/`,
      `session/${SESSION}/mod/extra`,
      `session/${SESSION}/user/${ME}/x`,
      `session/${SESSION}/admin`,
      `sessions/${SESSION}`,
      'session/short/mod',
      `session/${'x'.repeat(65)}`,
      `session/${SESSION}/user/has space`,
      `session/../${SESSION}`,
    ]
    for (const name of malformed) {
      expect(parseDocumentName(name), name).toBeNull()
      for (const role of ROLES) expect(accessFor(principal(role), name), name).toBe('none')
    }
    // Ids of 6 and 64 characters are names of the three shapes.
    expect(accessFor(principal('host', 'abc-_6'), 'session/abc-_6')).toBe('write')
    expect(accessFor(principal('host', 'x'.repeat(64)), `session/${'x'.repeat(64)}/mod`)).toBe(
      'write',
    )
  })
})

describe('which fields a role may change', () => {
  it('PERM-PATH-1: the most specific pattern wins', () => {
    // meta.* is the host's, meta.code the server's: the named key wins over `*`.
    expect(mayWriteField('host', 'public', ['meta', 'title'])).toBe(true)
    expect(mayWriteField('host', 'public', ['meta', 'code'])).toBe(false)
    // questions.*.votes is the server's, while the question's other fields are staff's.
    expect(mayWriteField('moderator', 'public', ['questions', 'q1', 'votes'])).toBe(false)
    expect(mayWriteField('moderator', 'public', ['questions', 'q1', 'pinned'])).toBe(true)
    // stage.timer is the server's; its siblings are open.
    expect(mayWriteField('host', 'public', ['stage', 'timer'])).toBe(false)
    expect(mayWriteField('presenter', 'public', ['stage', 'timerCommand'])).toBe(true)
  })

  it('PERM-PATH-2: a path no pattern names is open to every role with write access to the document', () => {
    const open: Array<['public' | 'mod', string[]]> = [
      ['public', ['questions', 'q1']],
      ['public', ['questions', 'q1', 'answered']],
      ['public', ['replies', 'r1']],
      ['public', ['labels', 'l1']],
      ['public', ['stage', 'spotlightQuestionId']],
      ['mod', ['queue', 'i1']],
      ['mod', ['decisions', 'i1']],
      ['mod', ['notes', 'q1']],
    ]
    for (const [kind, path] of open) {
      for (const role of STAFF)
        expect(mayWriteField(role, kind, path), `${role} ${path}`).toBe(true)
      // An attendee has no write access to either document.
      expect(mayWriteField('attendee', kind, path), `attendee ${path}`).toBe(false)
    }
  })

  it('PERM-PATH-3: a host field is the host’s only, a server field no client’s', () => {
    expect(mayWriteField('host', 'public', ['settings', 'qaOpen'])).toBe(true)
    for (const role of ['moderator', 'presenter', 'attendee'] as Role[])
      expect(mayWriteField(role, 'public', ['settings', 'qaOpen']), role).toBe(false)
    for (const role of ROLES) {
      expect(mayWriteField(role, 'public', ['presence', 'instance-1']), role).toBe(false)
      expect(mayWriteField(role, 'mod', ['attendees', 'u1']), role).toBe(false)
    }
  })
})

/** A document with FieldGuard on it, and the connections that write to it. */
async function guarded(kind: 'public' | 'mod') {
  const name = kind === 'public' ? documentName.public(SESSION) : documentName.mod(SESSION)
  const document = new Document(name)
  const audit: AuditEntry[] = []
  const guard = new FieldGuard({
    log: pino({ level: 'silent' }),
    record: (sessionId, entries) => {
      expect(sessionId).toBe(SESSION)
      audit.push(...entries)
    },
  })
  await guard.afterLoadDocument({ documentName: name, document } as Parameters<
    FieldGuard['afterLoadDocument']
  >[0])
  const notices: Array<{ role: Role; notice: WriteRefused }> = []
  return {
    document,
    audit,
    notices,
    /** What the server writes (no connection: not guarded). */
    seed(change: (doc: Y.Doc) => void) {
      document.transact(() => change(document))
    },
    /** What a connection with `role` writes, as Hocuspocus applies a client's update. */
    write(role: Role, change: (doc: Y.Doc) => void) {
      const context: ConnectionContext = {
        principal: { userId: `user-${role}`, sessionId: SESSION, role, name: role },
        access: 'write',
        address: parseDocumentName(name)!,
      }
      const connection = {
        context,
        sendStateless: (payload: string) =>
          notices.push({ role, notice: WriteRefused.parse(JSON.parse(payload)) }),
      }
      document.transact(() => change(document), { source: 'connection', connection })
    },
  }
}

type Guarded = Awaited<ReturnType<typeof guarded>>

/**
 * Each role writes `value` at `path` (a map entry): the writers' changes stand, everyone
 * else's are put back to what the server had there.
 */
function expectWriters(
  g: Guarded,
  path: string[],
  writers: Role[],
  before: unknown,
  value: (role: Role) => unknown,
) {
  const parent = () => {
    let map: Y.Map<unknown> = g.document.getMap(path[0]!)
    for (const key of path.slice(1, -1)) map = map.get(key) as Y.Map<unknown>
    return map
  }
  const key = path[path.length - 1]!
  for (const role of STAFF) {
    const noticesBefore = g.notices.length
    g.write(role, () => parent().set(key, value(role)))
    const allowed = writers.includes(role)
    expect(parent().get(key), `${role} writes ${path.join('.')}`).toEqual(
      allowed ? value(role) : before,
    )
    expect(g.notices.length - noticesBefore, `${role} told`).toBe(allowed ? 0 : 1)
    // Put back what the server had, for the next role.
    g.seed(() => (before === undefined ? parent().delete(key) : parent().set(key, before)))
  }
}

describe('fields held to their writers', () => {
  it('PERM-FIELD-1: meta.* (status, title, description) is the host’s', async () => {
    const g = await guarded('public')
    g.seed((doc) => doc.getMap('meta').set('title', 'Town hall'))
    expectWriters(g, ['meta', 'title'], ['host'], 'Town hall', (role) => `Title by ${role}`)
    g.seed((doc) => doc.getMap('meta').set('status', 'live'))
    expectWriters(g, ['meta', 'status'], ['host'], 'live', () => 'ended')
  })

  it('PERM-FIELD-2: meta.code is the server’s, not even the host’s', async () => {
    const g = await guarded('public')
    g.seed((doc) => doc.getMap('meta').set('code', 'ABC234'))
    expectWriters(g, ['meta', 'code'], [], 'ABC234', () => 'ZZZ999')
  })

  it('PERM-FIELD-3: meta.createdAt is the server’s', async () => {
    const g = await guarded('public')
    g.seed((doc) => doc.getMap('meta').set('createdAt', 1_000))
    expectWriters(g, ['meta', 'createdAt'], [], 1_000, () => 2_000)
  })

  it('PERM-FIELD-4: settings.* is the host’s', async () => {
    const g = await guarded('public')
    g.seed((doc) => doc.getMap('settings').set('preModeration', false))
    expectWriters(g, ['settings', 'preModeration'], ['host'], false, () => true)
    // A setting that was not there yet goes again.
    expectWriters(g, ['settings', 'qaOpen'], ['host'], undefined, () => false)
  })

  it('PERM-FIELD-5: presence.* is the server’s', async () => {
    const g = await guarded('public')
    g.seed((doc) => doc.getMap('presence').set('instance-1', { count: 3, at: 1 }))
    expectWriters(g, ['presence', 'instance-1'], [], { count: 3, at: 1 }, () => ({
      count: 9_999,
      at: 2,
    }))
  })

  it('PERM-FIELD-6: stage.timer is the server’s', async () => {
    const g = await guarded('public')
    const timer = { running: false, startedAt: null, durationMs: 0, remainingMs: 0 }
    g.seed((doc) => doc.getMap('stage').set('timer', timer))
    expectWriters(g, ['stage', 'timer'], [], timer, () => ({ ...timer, running: true }))
  })

  it('PERM-FIELD-7: questions.*.votes is the server’s; the rest of a question is staff’s', async () => {
    const g = await guarded('public')
    g.seed((doc) => {
      const q = new Y.Map<unknown>()
      doc.getMap('questions').set('q1', q)
      q.set('votes', 2)
    })
    expectWriters(g, ['questions', 'q1', 'votes'], [], 2, () => 999)
    expectWriters(g, ['questions', 'q1', 'pinned'], STAFF, undefined, () => true)
  })

  it('PERM-FIELD-8: attendees.* in the moderators’ document is the server’s', async () => {
    const g = await guarded('mod')
    const ann = { name: 'Ann', since: 1, online: true }
    g.seed((doc) => doc.getMap('attendees').set('u1', ann))
    expectWriters(g, ['attendees', 'u1'], [], ann, () => ({ ...ann, name: 'Someone else' }))
    expectWriters(g, ['attendees', 'u2'], [], undefined, () => ann)
  })

  it('PERM-FIELD-9: rejected.* in the moderators’ document is the server’s', async () => {
    const g = await guarded('mod')
    expectWriters(g, ['rejected', 'i1'], [], undefined, () => ({ id: 'i1', reason: 'made up' }))
  })

  it('PERM-FIELD-10: peer.* in the moderators’ document is the server’s', async () => {
    const g = await guarded('mod')
    g.seed((doc) => doc.getMap('peer').set('room', 'podium-room-1'))
    expectWriters(g, ['peer', 'room'], [], 'podium-room-1', () => 'podium-elsewhere')
  })

  it('PERM-FIELD-11: reactions.* in the public document is the server’s', async () => {
    const g = await guarded('public')
    const window = { second: 1_000, counts: { clap: 2 }, totals: { clap: 2 } }
    g.seed((doc) => doc.getMap('reactions').set('i1', window))
    expectWriters(g, ['reactions', 'i1'], [], window, () => ({ ...window, totals: { clap: 1e6 } }))
  })

  it('PERM-FIELD-12: calledOn.* in the public document is the server’s', async () => {
    const g = await guarded('public')
    expectWriters(g, ['calledOn', 'userId'], [], undefined, () => 'someone')
  })

  it('PERM-FIELD-16: recording.* in the public document is the server’s', async () => {
    const g = await guarded('public')
    g.seed((doc) => doc.getMap('recording').set('on', true))
    expectWriters(g, ['recording', 'on'], [], true, () => false)
  })

  it('PERM-FIELD-13: hands.* in the moderators’ document is the server’s', async () => {
    const g = await guarded('mod')
    const hand = { userId: 'u1', name: 'Ann', raisedAt: 1, calledAt: null, calledBy: null }
    g.seed((doc) => doc.getMap('hands').set('u1', hand))
    expectWriters(g, ['hands', 'u1'], [], hand, () => ({ ...hand, raisedAt: 0 }))
    expectWriters(g, ['hands', 'u2'], [], undefined, () => hand)
  })
})

describe('how FieldGuard holds them', () => {
  it('PERM-GUARD-1: a refused entry gets its value back, or goes; a map made with one in it goes whole', async () => {
    const g = await guarded('public')
    g.seed((doc) => {
      doc.getMap('meta').set('status', 'live')
      const q = new Y.Map<unknown>()
      doc.getMap('questions').set('q1', q)
      q.set('votes', 2)
    })
    g.write('moderator', (doc) => {
      doc.getMap('meta').set('status', 'ended')
      doc.getMap('meta').set('description', 'New')
      const madeUp = new Y.Map<unknown>()
      doc.getMap('questions').set('q2', madeUp)
      madeUp.set('body', ['A question nobody asked', null, null, 1])
      madeUp.set('votes', 50)
    })
    expect(g.document.getMap('meta').toJSON()).toEqual({ status: 'live' })
    expect(g.document.getMap('questions').has('q2')).toBe(false)
    expect(g.document.getMap('questions').toJSON()).toEqual({ q1: { votes: 2 } })
  })

  it('PERM-GUARD-2: the connection is told with a write-refused message naming the document and paths', async () => {
    const g = await guarded('public')
    g.write('presenter', (doc) => {
      doc.getMap('settings').set('qaOpen', false)
      doc.getMap('meta').set('code', 'ZZZ999')
      doc.getMap('stage').set('currentItemId', 'item-1')
    })
    expect(g.notices).toHaveLength(1)
    const { role, notice } = g.notices[0]!
    expect(role).toBe('presenter')
    expect(notice.type).toBe('write-refused')
    expect(notice.document).toBe(documentName.public(SESSION))
    expect([...notice.paths].sort()).toEqual(['meta.code', 'settings.qaOpen'])
    expect(notice.message).toMatch(/presenter role may not change/)
    // A change the role may make tells nothing.
    g.write('presenter', (doc) => doc.getMap('stage').set('currentItemId', 'item-2'))
    expect(g.notices).toHaveLength(1)
  })

  it('PERM-GUARD-3: the audit log gets a refused-change entry under the connection’s user and role', async () => {
    const g = await guarded('mod')
    g.write('moderator', (doc) => doc.getMap('peer').set('room', 'podium-elsewhere'))
    expect(g.audit).toEqual([
      expect.objectContaining({
        action: 'refused-change',
        actorId: 'user-moderator',
        actorRole: 'moderator',
        detail: expect.stringContaining('peer.room'),
      }),
    ])
  })

  it('PERM-GUARD-4: what the role may change in the same update stands', async () => {
    const g = await guarded('public')
    g.seed((doc) => {
      const q = new Y.Map<unknown>()
      doc.getMap('questions').set('q1', q)
      q.set('votes', 2)
    })
    g.write('moderator', (doc) => {
      const q = doc.getMap('questions').get('q1') as Y.Map<unknown>
      q.set('votes', 999)
      q.set('pinned', true)
      doc.getMap('stage').set('spotlightQuestionId', 'q1')
      doc.getMap('settings').set('qaOpen', false)
    })
    expect(g.document.getMap('questions').toJSON()).toEqual({ q1: { votes: 2, pinned: true } })
    expect(g.document.getMap('stage').get('spotlightQuestionId')).toBe('q1')
    expect(g.document.getMap('settings').has('qaOpen')).toBe(false)
    expect(g.notices[0]?.notice.paths.sort()).toEqual(['questions.q1.votes', 'settings.qaOpen'])
  })
})
