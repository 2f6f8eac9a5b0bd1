import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import {
  AgendaItem,
  Attendee,
  AuditEntry,
  CloseCode,
  FIELD_WRITERS,
  KIND_RULES,
  Label,
  OutboxEntry,
  PERMISSION_TABLE,
  PendingItem,
  Question,
  Receipt,
  RejectedItem,
  Reply,
  ROLES,
  SessionMeta,
  SessionSettings,
  STAGE_AUDIENCE_CAP,
  Stage,
  StageSeat,
  TimerCommand,
  TimerState,
} from '@podium/shared'
import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { turnCredential } from '../../signal-server/src/turn/credentials.ts'
import { KIND_NAMES, LAYOUT_NAMES } from '../src/notifications/templates/defaults.ts'

// docs/ is kept true to the code: these fail when a document key, a field, a role or a
// permission changes and the page describing it does not.

const root = resolve(import.meta.dirname, '../..')
const read = (path: string) => readFileSync(join(root, path), 'utf8')
const mentions = (page: string, name: string) => page.includes(`\`${name}\``)

describe('docs/permissions.md', () => {
  const page = read('docs/permissions.md')

  it('has the permission table as shared/src/permissions.ts defines it', () => {
    const lines = page.split('\n').filter((line) => line.startsWith('|'))
    const roles = lines[0]!
      .split('|')
      .map((cell) => cell.trim())
      .slice(2, -1)
    expect([...roles].sort()).toEqual([...ROLES].sort())
    const table: Record<string, Record<string, string>> = {}
    for (const line of lines.slice(2)) {
      const cells = line.split('|').map((cell) => cell.trim())
      const kind = /^(public|mod|outbox):/.exec(cells[1]!)?.[1]
      if (!kind) break
      table[kind] = Object.fromEntries(roles.map((role, i) => [role, cells[i + 2]!]))
    }
    expect(table).toEqual(PERMISSION_TABLE)
  })

  it('has the field writers as shared/src/permissions.ts defines them', () => {
    const rows = [...page.matchAll(/^\| (public|mod) +\| `([^`]+)` +\| (\w+) +\|$/gm)].map((m) => [
      m[1],
      m[2],
      m[3],
    ])
    const defined = Object.entries(FIELD_WRITERS).flatMap(([kind, rules]) =>
      rules.map(([pattern, writer]) => [kind, pattern, writer]),
    )
    expect(rows).toEqual(defined)
  })

  it('lists every close code', () => {
    for (const [name, code] of Object.entries(CloseCode)) {
      expect(page, `${name} (${code})`).toMatch(
        new RegExp(`^\\| ${code} +\\| \`${name}\` +\\|`, 'm'),
      )
    }
  })
})

describe('docs/document-schema.md', () => {
  const page = read('docs/document-schema.md')
  const docSources = readdirSync(join(root, 'shared/src/doc'))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => read(join('shared/src/doc', file)))
    .join('\n')

  it('describes every top-level shared type the accessors use', () => {
    const names = [
      ...docSources.matchAll(/\.get(?:Map|Array|Text|XmlFragment)<[^>]*>\('([^']+)'\)/g),
    ].map((m) => m[1]!)
    expect(names.length).toBeGreaterThan(10)
    for (const name of names) expect(mentions(page, name), `top-level ${name}`).toBe(true)
  })

  it('describes every key the accessors read or write by name', () => {
    const keys = [...docSources.matchAll(/Map\.(?:get|set|has|delete)\('([^']+)'/g)].map(
      (m) => m[1]!,
    )
    for (const key of keys) expect(mentions(page, key), `key ${key}`).toBe(true)
  })

  it('describes every field of every value stored in the documents', () => {
    const schemas: Record<string, z.ZodObject> = {
      SessionMeta,
      SessionSettings,
      AgendaItem,
      Stage,
      TimerState,
      TimerCommand,
      Question,
      Reply,
      Label,
      StageSeat,
      PendingItem,
      RejectedItem,
      AuditEntry,
      Attendee,
      Receipt,
    }
    for (const [name, schema] of Object.entries(schemas)) {
      for (const field of Object.keys(schema.shape)) {
        expect(mentions(page, field), `${name}.${field}`).toBe(true)
      }
    }
    for (const option of OutboxEntry.options) {
      expect(mentions(page, option.shape.type.value), `entry type ${option.shape.type.value}`).toBe(
        true,
      )
      for (const field of Object.keys(option.shape)) {
        expect(mentions(page, field), `${option.shape.type.value}.${field}`).toBe(true)
      }
    }
  })
})

describe('docs/video.md', () => {
  const page = read('docs/video.md')

  it('states the stage audience cap the client enforces', () => {
    expect(page).toContain(`capped at **${STAGE_AUDIENCE_CAP} viewers per publisher**`)
    expect(page).toContain(`The stage is full: ${STAGE_AUDIENCE_CAP} people are watching`)
    expect(page).toContain(`(at most ${STAGE_AUDIENCE_CAP})`)
  })

  it('describes the TURN credential the code makes', () => {
    const { username } = turnCredential('a-secret-of-16-chars', 'user-1', 60, 1_000_000)
    expect(username).toBe('1060:user-1')
    expect(page).toContain('username `<expiry unix time>:<user id>`')
    expect(page).toContain('base64 HMAC-SHA1')
  })
})

describe('docs/notifications.md', () => {
  const page = read('docs/notifications.md')
  const row = (first: string) =>
    page.split('\n').find((line) => new RegExp(`^\\| ${first} +\\|`).test(line)) ?? ''

  it('lists every kind of notification with its channels', () => {
    for (const [kind, rule] of Object.entries(KIND_RULES)) {
      const line = row(`\`${kind}\``)
      expect(line, kind).not.toBe('')
      for (const channel of Object.keys(rule.channels))
        expect(line, `${kind} ${channel}`).toMatch(
          channel === 'sms' ? /SMS/ : new RegExp(channel === 'email' ? 'e-mail' : channel),
        )
    }
  })

  it('names every value each template may use', () => {
    for (const [kind, names] of [
      ...Object.entries(KIND_NAMES),
      ['layout', LAYOUT_NAMES] as const,
    ]) {
      const line = row(kind)
      expect(line, kind).not.toBe('')
      for (const name of names) expect(line, `${kind}: ${name}`).toContain(`\`${name}\``)
    }
  })
})
