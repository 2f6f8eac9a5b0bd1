import {
  documentName,
  ModDoc,
  PublicDoc,
  QUESTION_DEFAULTS,
  type SessionExport,
} from '@podium/shared'
import { signToken } from '@podium/shared/token'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'
import { createSession, join } from './helpers/clients.ts'

const SECRET = 'test-secret-test-secret-test-secret-0000'
const OTHER_SECRET = 'another-secret-another-secret-another-1'
const IMPORT_MAX_BYTES = 200_000

let server: TestPodium
beforeAll(async () => {
  server = await startPodium({ IMPORT_MAX_BYTES: String(IMPORT_MAX_BYTES) })
  ctx = await setUp()
})
afterAll(async () => {
  await server.close()
})

interface Ctx {
  a: { id: string; hostUserId: string; host: string }
  b: { id: string; host: string }
  attendee: string
  moderator: string
  presenter: string
  expiredHost: string
  forgedHost: string
  goneSession: string
  checkpointA: string
  checkpointB: string
  inviteB: string
  revokedInvite: string
  usedInvite: string
  expiredInvite: string
  unknownInvite: string
  forgedInvite: string
  exported: SessionExport
}
let ctx: Ctx

const api = (path: string) => `${server.url}/api${path}`

async function invite(sessionId: string, host: string, role: 'moderator' | 'presenter') {
  const res = await request<{ id: string; invite: string }>(api(`/sessions/${sessionId}/invites`), {
    token: host,
    body: { role },
  })
  if (res.status !== 201) throw new Error(`invite: ${res.status}`)
  return res.body
}

async function accept(token: string): Promise<string> {
  const res = await request<{ token: string }>(api('/invites/accept'), { body: { invite: token } })
  if (res.status !== 200) throw new Error(`accept: ${res.status}`)
  return res.body.token
}

async function checkpoint(sessionId: string, host: string): Promise<string> {
  const res = await request<{ id: string }>(api(`/sessions/${sessionId}/checkpoints`), {
    method: 'POST',
    token: host,
  })
  if (res.status !== 201) throw new Error(`checkpoint: ${res.status}`)
  return res.body.id
}

async function setUp(): Promise<Ctx> {
  const a = await createSession(server.url, { title: 'Session A' })
  const b = await createSession(server.url, { title: 'Session B' })
  await server.podium.services.docs.change(documentName.public(a.id), (doc) =>
    new PublicDoc(doc).putQuestion({
      id: 'question-a-1',
      text: 'What is on the agenda?',
      authorId: a.hostUserId,
      authorName: 'Host',
      createdAt: Date.now(),
      ...QUESTION_DEFAULTS,
      labels: [],
    }),
  )
  const revoked = await invite(a.id, a.hostToken, 'moderator')
  await request(api(`/sessions/${a.id}/invites/${revoked.id}`), {
    method: 'DELETE',
    token: a.hostToken,
  })
  const used = await invite(a.id, a.hostToken, 'presenter')
  const exported = await request<SessionExport>(api(`/sessions/${a.id}/export.json`), {
    token: a.hostToken,
  })
  return {
    a: { id: a.id, hostUserId: a.hostUserId, host: a.hostToken },
    b: { id: b.id, host: b.hostToken },
    attendee: (await join(server.url, a.code, 'Ann')).token,
    moderator: await accept((await invite(a.id, a.hostToken, 'moderator')).invite),
    presenter: await accept(used.invite),
    expiredHost: await signToken(
      SECRET,
      { typ: 'access', sub: a.hostUserId, sid: a.id, role: 'host', name: null },
      -10,
    ),
    forgedHost: await signToken(
      OTHER_SECRET,
      { typ: 'access', sub: a.hostUserId, sid: a.id, role: 'host', name: null },
      3600,
    ),
    goneSession: await signToken(
      SECRET,
      { typ: 'access', sub: 'nobodyHere01', sid: 'noSuchSession01', role: 'host', name: null },
      3600,
    ),
    checkpointA: await checkpoint(a.id, a.hostToken),
    checkpointB: await checkpoint(b.id, b.hostToken),
    inviteB: (await invite(b.id, b.hostToken, 'moderator')).id,
    revokedInvite: revoked.invite,
    usedInvite: used.invite,
    expiredInvite: await signToken(
      SECRET,
      { typ: 'invite', sid: a.id, role: 'moderator', jti: 'expiredInvite01' },
      -10,
    ),
    unknownInvite: await signToken(
      SECRET,
      { typ: 'invite', sid: a.id, role: 'moderator', jti: 'neverIssued0001' },
      3600,
    ),
    forgedInvite: await signToken(
      OTHER_SECRET,
      { typ: 'invite', sid: a.id, role: 'moderator', jti: 'forgedInvite001' },
      3600,
    ),
    exported: exported.body,
  }
}

/** Everything a bad request might have written: rows, and both sessions' documents. */
async function fingerprint(): Promise<string> {
  const k = server.podium.services.db.kysely
  const rows = {
    sessions: await k.selectFrom('sessions').selectAll().orderBy('id').execute(),
    users: await k.selectFrom('users').selectAll().orderBy('id').execute(),
    invites: await k.selectFrom('invites').selectAll().orderBy('id').execute(),
    checkpoints: await k
      .selectFrom('checkpoints')
      .select(['id', 'session_id', 'reason', 'created_at'])
      .orderBy('id')
      .execute(),
    imported: await k.selectFrom('imported_votes').selectAll().execute(),
    votes: await k.selectFrom('votes').selectAll().execute(),
    audit: await k.selectFrom('audit_log').selectAll().orderBy('id').execute(),
  }
  const docs = []
  for (const id of [ctx.a.id, ctx.b.id]) {
    docs.push(
      await server.podium.services.docs.read(documentName.public(id), (doc) =>
        new PublicDoc(doc).snapshot(),
      ),
      await server.podium.services.docs.read(documentName.mod(id), (doc) => {
        const mod = new ModDoc(doc)
        return [mod.queue(), mod.rejected(), mod.notes()]
      }),
    )
  }
  return JSON.stringify({ rows, docs })
}

interface Req {
  method?: string
  path: string
  token?: string
  body?: unknown
  headers?: Record<string, string>
}
interface Case {
  name: string
  req: (c: Ctx) => Req
  status: number
  detail: RegExp
}

const A = (c: Ctx) => `/sessions/${c.a.id}`
const settings = (c: Ctx, token: string, body?: unknown): Req => ({
  method: 'PATCH',
  path: `${A(c)}/settings`,
  token,
  body,
})
const withExport = (c: Ctx, change: (e: SessionExport) => unknown): Req => ({
  path: '/sessions/import',
  body: change(structuredClone(c.exported)),
})

const cases: Case[] = [
  // Tokens, on GET /api/sessions/:id
  {
    name: 'details without a token',
    req: (c) => ({ path: A(c) }),
    status: 401,
    detail: /Authorization: Bearer/,
  },
  {
    name: 'details with a garbage token',
    req: (c) => ({ path: A(c), token: 'not-a-token' }),
    status: 401,
    detail: /not valid/,
  },
  {
    name: 'details with a forged token',
    req: (c) => ({ path: A(c), token: c.forgedHost }),
    status: 401,
    detail: /not valid/,
  },
  {
    name: 'details with an expired token',
    req: (c) => ({ path: A(c), token: c.expiredHost }),
    status: 401,
    detail: /expired/,
  },
  {
    name: 'details with a token for another session',
    req: (c) => ({ path: A(c), token: c.b.host }),
    status: 403,
    detail: /another session/,
  },
  {
    name: 'details with a malformed id',
    req: (c) => ({ path: '/sessions/bad!id', token: c.a.host }),
    status: 400,
    detail: /path.*id/,
  },
  {
    name: 'details of a session that is gone',
    req: (c) => ({ path: '/sessions/noSuchSession01', token: c.goneSession }),
    status: 404,
    detail: /no session noSuchSession01/,
  },
  // PATCH settings
  {
    name: 'settings as an attendee',
    req: (c) => settings(c, c.attendee, { qaOpen: false }),
    status: 403,
    detail: /role host.*attendee/,
  },
  {
    name: 'settings as a moderator',
    req: (c) => settings(c, c.moderator, { qaOpen: false }),
    status: 403,
    detail: /role host.*moderator/,
  },
  {
    name: 'settings with malformed JSON',
    req: (c) => settings(c, c.a.host, '{"qaOpen":'),
    status: 400,
    detail: /not valid JSON/,
  },
  {
    name: 'settings with a wrong type',
    req: (c) => settings(c, c.a.host, { qaOpen: 'yes' }),
    status: 400,
    detail: /qaOpen/,
  },
  {
    name: 'settings with an unknown field',
    req: (c) => settings(c, c.a.host, { colour: 'red' }),
    status: 400,
    detail: /colour/,
  },
  {
    name: 'settings with a too short maximum',
    req: (c) => settings(c, c.a.host, { maxQuestionLength: 5 }),
    status: 400,
    detail: /maxQuestionLength/,
  },
  {
    name: 'settings with a too long maximum',
    req: (c) => settings(c, c.a.host, { maxQuestionLength: 100_000 }),
    status: 400,
    detail: /maxQuestionLength/,
  },
  {
    name: 'settings as an array',
    req: (c) => settings(c, c.a.host, []),
    status: 400,
    detail: /request body is not valid/,
  },
  {
    name: 'settings without a body',
    req: (c) => settings(c, c.a.host),
    status: 400,
    detail: /missing/,
  },
  {
    name: 'settings with an oversized body',
    req: (c) => settings(c, c.a.host, { qaOpen: true, pad: 'x'.repeat(20_000) }),
    status: 413,
    detail: /too large/,
  },
  {
    name: 'settings as text/plain',
    req: (c) => ({
      ...settings(c, c.a.host, 'qaOpen=false'),
      headers: { 'content-type': 'text/plain' },
    }),
    status: 400,
    detail: /expected object/,
  },
  {
    name: 'settings nested too deep',
    req: (c) => settings(c, c.a.host, JSON.parse(`${'{"a":'.repeat(40)}1${'}'.repeat(40)}`)),
    status: 400,
    detail: /more than 32 levels deep/,
  },
  // POST status
  {
    name: 'status with an unknown status',
    req: (c) => ({ path: `${A(c)}/status`, token: c.a.host, body: { status: 'paused' } }),
    status: 400,
    detail: /status/,
  },
  {
    name: 'status without one',
    req: (c) => ({ path: `${A(c)}/status`, token: c.a.host, body: {} }),
    status: 400,
    detail: /status/,
  },
  {
    name: 'status as an attendee',
    req: (c) => ({ path: `${A(c)}/status`, token: c.attendee, body: { status: 'live' } }),
    status: 403,
    detail: /role host/,
  },
  {
    name: 'status as a presenter',
    req: (c) => ({ path: `${A(c)}/status`, token: c.presenter, body: { status: 'live' } }),
    status: 403,
    detail: /role host/,
  },
  // POST invites
  {
    name: 'invite for the host role',
    req: (c) => ({ path: `${A(c)}/invites`, token: c.a.host, body: { role: 'host' } }),
    status: 400,
    detail: /role/,
  },
  {
    name: 'invite without a role',
    req: (c) => ({ path: `${A(c)}/invites`, token: c.a.host, body: {} }),
    status: 400,
    detail: /role/,
  },
  {
    name: 'invite for zero hours',
    req: (c) => ({
      path: `${A(c)}/invites`,
      token: c.a.host,
      body: { role: 'moderator', expiresInHours: 0 },
    }),
    status: 400,
    detail: /expiresInHours/,
  },
  {
    name: 'invite for "soon"',
    req: (c) => ({
      path: `${A(c)}/invites`,
      token: c.a.host,
      body: { role: 'moderator', expiresInHours: 'soon' },
    }),
    status: 400,
    detail: /expiresInHours/,
  },
  {
    name: 'invite for years',
    req: (c) => ({
      path: `${A(c)}/invites`,
      token: c.a.host,
      body: { role: 'moderator', expiresInHours: 100_000 },
    }),
    status: 400,
    detail: /expiresInHours/,
  },
  {
    name: 'invite by a moderator',
    req: (c) => ({ path: `${A(c)}/invites`, token: c.moderator, body: { role: 'moderator' } }),
    status: 403,
    detail: /role host/,
  },
  // DELETE invites/:inviteId
  {
    name: 'revoke an unknown invite',
    req: (c) => ({ method: 'DELETE', path: `${A(c)}/invites/unknownInvite1`, token: c.a.host }),
    status: 404,
    detail: /no invite unknownInvite1/,
  },
  {
    name: "revoke another session's invite",
    req: (c) => ({ method: 'DELETE', path: `${A(c)}/invites/${c.inviteB}`, token: c.a.host }),
    status: 404,
    detail: /no invite/,
  },
  {
    name: 'revoke a malformed invite id',
    req: (c) => ({ method: 'DELETE', path: `${A(c)}/invites/x`, token: c.a.host }),
    status: 400,
    detail: /inviteId/,
  },
  {
    name: 'revoke as an attendee',
    req: (c) => ({ method: 'DELETE', path: `${A(c)}/invites/${c.inviteB}`, token: c.attendee }),
    status: 403,
    detail: /role host/,
  },
  // POST invites/accept
  {
    name: 'accept without an invite',
    req: () => ({ path: '/invites/accept', body: {} }),
    status: 400,
    detail: /invite/,
  },
  {
    name: 'accept a number',
    req: () => ({ path: '/invites/accept', body: { invite: 123 } }),
    status: 400,
    detail: /invite/,
  },
  {
    name: 'accept a garbled invite',
    req: () => ({ path: '/invites/accept', body: { invite: 'x'.repeat(20) } }),
    status: 400,
    detail: /not valid/,
  },
  {
    name: 'accept a forged invite',
    req: (c) => ({ path: '/invites/accept', body: { invite: c.forgedInvite } }),
    status: 400,
    detail: /not valid/,
  },
  {
    name: 'accept an access token as an invite',
    req: (c) => ({ path: '/invites/accept', body: { invite: c.a.host } }),
    status: 400,
    detail: /not valid/,
  },
  {
    name: 'accept an expired invite',
    req: (c) => ({ path: '/invites/accept', body: { invite: c.expiredInvite } }),
    status: 410,
    detail: /expired/,
  },
  {
    name: 'accept a revoked invite',
    req: (c) => ({ path: '/invites/accept', body: { invite: c.revokedInvite } }),
    status: 410,
    detail: /withdrawn/,
  },
  {
    name: 'accept a used invite',
    req: (c) => ({ path: '/invites/accept', body: { invite: c.usedInvite } }),
    status: 409,
    detail: /already been used/,
  },
  {
    name: 'accept an invite never issued',
    req: (c) => ({ path: '/invites/accept', body: { invite: c.unknownInvite } }),
    status: 404,
    detail: /not known/,
  },
  {
    name: 'accept with a too long name',
    req: (c) => ({
      path: '/invites/accept',
      body: { invite: c.revokedInvite, name: 'n'.repeat(61) },
    }),
    status: 400,
    detail: /name/,
  },
  {
    name: 'accept nested too deep',
    req: () => ({ path: '/invites/accept', body: `${'['.repeat(1000)}${']'.repeat(1000)}` }),
    status: 400,
    detail: /more than 32 levels deep/,
  },
  {
    name: 'accept with an oversized body',
    req: (c) => ({
      path: '/invites/accept',
      body: { invite: c.unknownInvite, name: 'n'.repeat(20_000) },
    }),
    status: 413,
    detail: /too large/,
  },
  // Exports
  {
    name: 'JSON export as an attendee',
    req: (c) => ({ path: `${A(c)}/export.json`, token: c.attendee }),
    status: 403,
    detail: /host or moderator/,
  },
  {
    name: 'CSV export as a presenter',
    req: (c) => ({ path: `${A(c)}/export.csv`, token: c.presenter }),
    status: 403,
    detail: /host or moderator/,
  },
  {
    name: 'Yjs export without a token',
    req: (c) => ({ path: `${A(c)}/export.ydoc` }),
    status: 401,
    detail: /Bearer/,
  },
  {
    name: 'export of another session',
    req: (c) => ({ path: `${A(c)}/export.json`, token: c.b.host }),
    status: 403,
    detail: /another session/,
  },
  // Room preview
  {
    name: 'room preview without a token',
    req: (c) => ({ path: `${A(c)}/preview` }),
    status: 401,
    detail: /Bearer/,
  },
  {
    name: 'room preview of another session',
    req: (c) => ({ path: `${A(c)}/preview`, token: c.b.host }),
    status: 403,
    detail: /another session/,
  },
  {
    name: 'room preview of a malformed id',
    req: (c) => ({ path: '/sessions/bad!id/preview', token: c.attendee }),
    status: 400,
    detail: /path.*id/,
  },
  // POST sessions/import
  {
    name: 'import of an empty object',
    req: () => ({ path: '/sessions/import', body: {} }),
    status: 400,
    detail: /format/,
  },
  {
    name: 'import of an array',
    req: () => ({ path: '/sessions/import', body: [] }),
    status: 400,
    detail: /export is not valid/,
  },
  {
    name: 'import of malformed JSON',
    req: () => ({ path: '/sessions/import', body: '{"format":' }),
    status: 400,
    detail: /not valid JSON/,
  },
  {
    name: 'import nested too deep',
    req: () => ({
      path: '/sessions/import',
      body: `{"format":${'['.repeat(50_000)}${']'.repeat(50_000)}}`,
    }),
    status: 400,
    detail: /export nests arrays and objects more than 32 levels deep/,
  },
  {
    name: 'import as text/plain',
    req: (c) => ({
      ...withExport(c, (e) => JSON.stringify(e)),
      headers: { 'content-type': 'text/plain' },
    }),
    status: 415,
    detail: /Content-Type: application\/json/,
  },
  {
    name: 'import with a __proto__ key',
    req: (c) => withExport(c, (e) => `{"__proto__":{"x":1},${JSON.stringify(e).slice(1)}`),
    status: 400,
    detail: /"__proto__" key/,
  },
  {
    name: 'import of another version',
    req: (c) => withExport(c, (e) => ({ ...e, version: 2 })),
    status: 400,
    detail: /version/,
  },
  {
    name: 'import with a too long question',
    req: (c) =>
      withExport(c, (e) => {
        e.public.questions[0]!.text = 'q'.repeat(2001)
        return e
      }),
    status: 400,
    detail: /public\.questions\.0\.text/,
  },
  {
    name: 'import with an empty title',
    req: (c) =>
      withExport(c, (e) => {
        e.public.meta.title = ' '
        return e
      }),
    status: 400,
    detail: /public\.meta\.title/,
  },
  {
    name: 'import with questions of the wrong type',
    req: (c) => withExport(c, (e) => ({ ...e, public: { ...e.public, questions: 'none' } })),
    status: 400,
    detail: /public\.questions/,
  },
  {
    name: 'import of an oversized export',
    req: (c) =>
      withExport(c, (e) => {
        e.public.meta.description = 'd'.repeat(IMPORT_MAX_BYTES)
        return e
      }),
    status: 413,
    detail: /too large/,
  },
  // Checkpoints
  {
    name: 'checkpoints listed by an attendee',
    req: (c) => ({ path: `${A(c)}/checkpoints`, token: c.attendee }),
    status: 403,
    detail: /host or moderator/,
  },
  {
    name: 'checkpoints listed by a presenter',
    req: (c) => ({ path: `${A(c)}/checkpoints`, token: c.presenter }),
    status: 403,
    detail: /host or moderator/,
  },
  {
    name: 'checkpoint taken by a moderator',
    req: (c) => ({ method: 'POST', path: `${A(c)}/checkpoints`, token: c.moderator }),
    status: 403,
    detail: /role host/,
  },
  {
    name: 'checkpoint with fields',
    req: (c) => ({ path: `${A(c)}/checkpoints`, token: c.a.host, body: { label: 'x' } }),
    status: 400,
    detail: /takes no fields/,
  },
  {
    name: 'restore of an unknown checkpoint',
    req: (c) => ({ path: `${A(c)}/checkpoints/unknownCheck1/restore`, token: c.a.host, body: {} }),
    status: 404,
    detail: /no checkpoint unknownCheck1/,
  },
  {
    name: "restore of another session's checkpoint",
    req: (c) => ({
      path: `${A(c)}/checkpoints/${c.checkpointB}/restore`,
      token: c.a.host,
      body: {},
    }),
    status: 404,
    detail: /no checkpoint/,
  },
  {
    name: 'restore of a malformed checkpoint id',
    req: (c) => ({ path: `${A(c)}/checkpoints/x/restore`, token: c.a.host, body: {} }),
    status: 400,
    detail: /checkpointId/,
  },
  {
    name: 'restore with an oversized body',
    req: (c) => ({
      path: `${A(c)}/checkpoints/${c.checkpointA}/restore`,
      token: c.a.host,
      body: { pad: 'x'.repeat(20_000) },
    }),
    status: 413,
    detail: /too large/,
  },
  {
    name: 'restore by a moderator',
    req: (c) => ({
      path: `${A(c)}/checkpoints/${c.checkpointA}/restore`,
      token: c.moderator,
      body: {},
    }),
    status: 403,
    detail: /role host/,
  },
  {
    name: 'restore with fields',
    req: (c) => ({
      path: `${A(c)}/checkpoints/${c.checkpointA}/restore`,
      token: c.a.host,
      body: { force: true },
    }),
    status: 400,
    detail: /takes no fields/,
  },
]

describe('bad input to every route', () => {
  it.each(cases)('$name → $status', async ({ req, status, detail }) => {
    const before = await fingerprint()
    const r = req(ctx)
    const res = await request<{ type: string; title: string; status: number; detail: string }>(
      api(r.path),
      {
        ...(r.method ? { method: r.method } : {}),
        ...(r.token ? { token: r.token } : {}),
        ...(r.body !== undefined ? { body: r.body } : {}),
        ...(r.headers ? { headers: r.headers } : {}),
      },
    )
    expect(res.status, JSON.stringify(res.body)).toBe(status)
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(res.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String) })
    expect(res.body.detail).toMatch(detail)
    expect(await fingerprint()).toBe(before)
  })

  it('has cases for every route of this API', () => {
    const routes: Array<[string, string, RegExp]> = [
      ['GET', '/sessions/:id', /^\/sessions\/[^/]+$/],
      ['PATCH', '/sessions/:id/settings', /^\/sessions\/[^/]+\/settings$/],
      ['POST', '/sessions/:id/status', /^\/sessions\/[^/]+\/status$/],
      ['POST', '/sessions/:id/invites', /^\/sessions\/[^/]+\/invites$/],
      ['DELETE', '/sessions/:id/invites/:inviteId', /^\/sessions\/[^/]+\/invites\/[^/]+$/],
      ['POST', '/invites/accept', /^\/invites\/accept$/],
      ['GET', '/sessions/:id/preview', /^\/sessions\/[^/]+\/preview$/],
      ['GET', '/sessions/:id/export.json', /\/export\.json$/],
      ['GET', '/sessions/:id/export.csv', /\/export\.csv$/],
      ['GET', '/sessions/:id/export.ydoc', /\/export\.ydoc$/],
      ['POST', '/sessions/import', /^\/sessions\/import$/],
      ['GET', '/sessions/:id/checkpoints', /^\/sessions\/[^/]+\/checkpoints$/],
      ['POST', '/sessions/:id/checkpoints', /^\/sessions\/[^/]+\/checkpoints$/],
      ['POST', '/sessions/:id/checkpoints/:checkpointId/restore', /\/restore$/],
    ]
    for (const [method, url, pattern] of routes) {
      expect(server.podium.app.hasRoute({ method, url: `/api${url}` }), url).toBe(true)
      const covered = cases.some((c) => {
        const r = c.req(ctx)
        const m = r.method ?? (r.body === undefined ? 'GET' : 'POST')
        return m === method && pattern.test(r.path) && !r.path.startsWith('/sessions/import/')
      })
      expect(covered, `${method} ${url} has a bad-input case`).toBe(true)
    }
  })
})
