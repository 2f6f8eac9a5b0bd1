import { describe, expect, it } from 'vitest'
import { accessFor, PERMISSION_TABLE } from '../src/permissions.ts'
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
