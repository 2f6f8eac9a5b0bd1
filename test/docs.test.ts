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
import { turnCredential } from '../signal-server/src/turn/credentials.ts'
import { AnalyticsKind } from '../sync-server/src/analytics/record/record.ts'
import { engagementScore } from '../sync-server/src/analytics/report/engagement.ts'
import { EVENT_COLUMNS, ROLLUP_COLUMNS } from '../sync-server/src/analytics/report/export.ts'
import { ACCOUNT_TOKEN_TTL } from '../sync-server/src/auth/account-access.ts'
import { REFRESH_COOKIE, SIGN_IN_COOKIE } from '../sync-server/src/auth/cookies.ts'
import { REFRESH_TTL_MS } from '../sync-server/src/auth/devices.ts'
import { EMAIL_LINK_TTL_MS } from '../sync-server/src/auth/email-links.ts'
import { ACCESS_TOKEN_TTL } from '../sync-server/src/auth/token-ttl.ts'
import { EnvSchema } from '../sync-server/src/config.ts'
import { EventType } from '../sync-server/src/events/types.ts'
import { KIND_NAMES, LAYOUT_NAMES } from '../sync-server/src/notifications/templates/defaults.ts'

// docs/ is kept true to the code: these fail when a document key, a field, a role or a
// permission changes and the page describing it does not.

const root = resolve(import.meta.dirname, '..')
const read = (path: string) => readFileSync(join(root, path), 'utf8')
const mentions = (page: string, name: string) => page.includes(`\`${name}\``)

describe('docs/permissions.md', () => {
  const page = read('docs/permissions.md')

  it('has the permission table as shared/src/permissions.ts defines it', () => {
    const lines = page.split('\n').filter((line) => line.startsWith('|'))
    const roles = lines[0]!
      .split('|')
      .map((cell) => cell.trim())
      .slice(3, -1)
    expect([...roles].sort()).toEqual([...ROLES].sort())
    const table: Record<string, Record<string, string>> = {}
    for (const line of lines.slice(2)) {
      const cells = line.split('|').map((cell) => cell.trim())
      const kind = /^(public|mod|outbox):/.exec(cells[2]!)?.[1]
      if (!kind) break
      table[kind] = Object.fromEntries(roles.map((role, i) => [role, cells[i + 3]!]))
    }
    expect(table).toEqual(PERMISSION_TABLE)
  })

  it('has the field writers as shared/src/permissions.ts defines them', () => {
    const rows = [
      ...page.matchAll(
        /^\| \*\*PERM-FIELD-\d+\*\* +\| (public|mod) +\| `([^`]+)` +\| (\w+) +\|$/gm,
      ),
    ].map((m) => [m[1], m[2], m[3]])
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

describe('rule ids in docs/ingest.md and docs/permissions.md', () => {
  // A rule is defined where its id stands in bold (`**ING-ASK-3**`); elsewhere an id is a
  // reference. Each rule's test carries the id at the start of its title (`'ING-ASK-3: …'`).
  const pages = ['docs/ingest.md', 'docs/permissions.md']
  const ID = String.raw`(?:ING|PERM)-[A-Z]+-\d+`
  const definitions = pages.flatMap((page) =>
    [...read(page).matchAll(new RegExp(String.raw`\*\*(${ID})\*\*`, 'g'))].map((m) => m[1]!),
  )
  const defined = new Set(definitions)

  /** Every test source: test files and the helpers that register tests (suites). */
  function sources(dir: string): string[] {
    return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(path)
      return /\.tsx?$/.test(entry.name) ? [path] : []
    })
  }
  const testDirs = [
    'shared/test',
    'sync-server/test',
    'signal-server/test',
    'client/test',
    'test',
    'e2e',
  ]
  const title = new RegExp(String.raw`\b(?:it|test)(?:\.\w+)*\(\s*['"\x60](${ID}): `, 'g')
  const titled = new Set(
    testDirs.flatMap(sources).flatMap((file) => [...read(file).matchAll(title)].map((m) => m[1]!)),
  )

  it('gives every rule an id of its own', () => {
    expect(definitions.length).toBeGreaterThan(100)
    const repeated = definitions.filter((id, i) => definitions.indexOf(id) !== i)
    expect(repeated, 'ids given to two rules').toEqual([])
  })

  it('refers only to ids that a rule has', () => {
    const referred = pages.flatMap((page) =>
      [...read(page).matchAll(new RegExp(String.raw`\b${ID}\b`, 'g'))].map((m) => m[0]),
    )
    expect(referred.filter((id) => !defined.has(id))).toEqual([])
  })

  it('has a test for every rule, whose title starts with its id', () => {
    expect([...defined].filter((id) => !titled.has(id))).toEqual([])
  })

  it('has no test titled with an id that no rule has', () => {
    expect([...titled.keys()].filter((id) => !defined.has(id))).toEqual([])
  })
})

describe('docs/document-schema.md', () => {
  const page = read('docs/document-schema.md')
  const docSources = readdirSync(join(root, 'shared/src/doc'), { recursive: true })
    .map(String)
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

describe('docs/api.md', () => {
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

  it('describes every route under /api (there, or on the page of its domain)', () => {
    const docs = readdirSync(join(root, 'docs'))
      .filter((name) => name.endsWith('.md'))
      .map((name) => read(`docs/${name}`))
      .join('\n')
    const folder = 'sync-server/src/api'
    const routes = readdirSync(join(root, folder)).flatMap((file) =>
      [...read(`${folder}/${file}`).matchAll(/api\.(get|post|put|patch|delete)\('([^']+)'/g)].map(
        (m) => `${m[1]!.toUpperCase()} /api${m[2]}`,
      ),
    )
    expect(routes.length).toBeGreaterThan(50)
    for (const route of routes)
      expect(docs, route).toMatch(new RegExp(`\`${literal(route)}[\`?\\s]`))
  })

  it('describes the host-link routes on the API page', () => {
    const page = read('docs/api.md')
    expect(mentions(page, 'POST /api/host-link')).toBe(true)
    expect(mentions(page, 'POST /api/sessions/:id/host-link')).toBe(true)
  })
})

describe('docs/accounts.md', () => {
  const page = read('docs/accounts.md')

  it('describes every route of sign-in.ts and me.ts', () => {
    for (const file of ['sync-server/src/api/sign-in.ts', 'sync-server/src/api/me.ts']) {
      const routes = [...read(file).matchAll(/api\.(get|post|patch|delete)\('([^']+)'/g)].map(
        (m) => `${m[1]!.toUpperCase()} /api${m[2]}`,
      )
      expect(routes.length, file).toBeGreaterThan(5)
      for (const route of routes) expect(mentions(page, route), route).toBe(true)
    }
  })

  it('describes every variable accounts read', () => {
    const names = Object.keys(EnvSchema.shape).filter((name) =>
      /^(SMTP|MAIL|OIDC|GITHUB)_|SIGNIN/.test(name),
    )
    expect(names.length).toBeGreaterThan(10)
    for (const name of names) expect(mentions(page, name), name).toBe(true)
  })

  it('lists every reason a sign-in fails, with its status', () => {
    const source = read('sync-server/src/api/sign-in.ts')
    const failures = [...source.matchAll(/^ {2}'([a-z-]+)': \{\n {4}(?:status: )?(\d+),/gm)]
    expect(failures.length).toBeGreaterThan(7)
    for (const [, code, status] of failures)
      expect(page, code).toMatch(new RegExp(`^\\| \`${code}\` +\\| ${status} +\\|`, 'm'))
  })

  it('states the cookies and lifetimes the code sets', () => {
    expect(mentions(page, REFRESH_COOKIE)).toBe(true)
    expect(mentions(page, SIGN_IN_COOKIE)).toBe(true)
    const row = (what: string) => page.split('\n').find((line) => line.startsWith(`| ${what} `))
    expect(row('account access token')).toContain(`| ${ACCOUNT_TOKEN_TTL / 60} minutes`)
    expect(row('session token of a signed-in participant')).toContain(
      `| ${ACCOUNT_TOKEN_TTL / 60} minutes`,
    )
    expect(row('guest token')).toContain(`| ${ACCESS_TOKEN_TTL / 86_400} days`)
    expect(row(`refresh cookie \`${REFRESH_COOKIE}\``)).toContain(
      `| ${REFRESH_TTL_MS / 86_400_000} days, sliding`,
    )
    expect(row('e-mail sign-in link')).toContain(`| ${EMAIL_LINK_TTL_MS / 60_000} minutes, once`)
  })
})

describe('docs/analytics.md', () => {
  const page = read('docs/analytics.md')

  it('gives engagement scores the code computes', () => {
    const rows = [...page.matchAll(/^\| (\d+) +\| (\d+) +\| (\d+) +\| (\d+) +\|$/gm)]
    expect(rows.length).toBeGreaterThanOrEqual(4)
    for (const [, people, askedOrReplied, votedOnly, score] of rows) {
      const figures = {
        people: Number(people),
        askedOrReplied: Number(askedOrReplied),
        votedOnly: Number(votedOnly),
      }
      expect(engagementScore(figures), JSON.stringify(figures)).toBe(Number(score))
    }
  })

  it('says what becomes of every event, and names every kind and export column', () => {
    for (const type of Object.values(EventType)) expect(mentions(page, type), type).toBe(true)
    for (const kind of Object.values(AnalyticsKind)) expect(mentions(page, kind), kind).toBe(true)
    for (const column of [...ROLLUP_COLUMNS, ...EVENT_COLUMNS])
      expect(mentions(page, column), column).toBe(true)
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
