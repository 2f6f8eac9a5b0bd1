import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider'
import { type AnalyticsReport, documentName } from '@podium/shared'
import { parse as parseCsv } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { request, startPodiumOn, type TestPodium } from '../../test-support/podium.ts'
import { Opens } from '../src/ingest/opens.ts'
import { createSession, join, TestClient } from './helpers/clients.ts'
import { DIALECTS } from './helpers/databases.ts'

// Openings of the room and of the projector: decided by the server from authenticated
// connections to the public document (the socket's `?view=` says which page), at most one
// per person and view a minute, recorded as analytics events and counted in the rollups,
// the report and the export, on SQLite and on Postgres. An unknown view is refused.

const T0 = Date.UTC(2026, 2, 2, 9, 0, 0)

describe('Opens (the ingest step)', () => {
  it('[AN-OP1] announces one opening per person and view a minute, and gives back on failure', () => {
    const opens = new Opens()
    expect(opens.opened('u1', 'room', T0)).toBe(true)
    expect(opens.opened('u1', 'room', T0 + 59_000)).toBe(false)
    expect(opens.opened('u1', 'projector', T0 + 1_000)).toBe(true)
    expect(opens.opened('u2', 'room', T0 + 2_000)).toBe(true)
    const events: unknown[] = []
    const taken = opens.announce({ event: (e) => events.push(e) })
    expect(events).toEqual([
      { type: 'view.opened', userId: 'u1', view: 'room' },
      { type: 'view.opened', userId: 'u1', view: 'projector' },
      { type: 'view.opened', userId: 'u2', view: 'room' },
    ])
    // A tick that failed gives them back: the next one announces them, once.
    opens.giveBack(taken)
    expect(opens.announce({ event: () => {} })).toEqual(taken)
    expect(opens.announce({ event: () => {} })).toEqual([])
    // The next minute, the same person opening the room is a new opening.
    expect(opens.opened('u1', 'room', T0 + 60_000)).toBe(true)
  })
})

describe.each(DIALECTS)('openings of the room and the projector on %s', (dialect) => {
  let server: TestPodium
  let now = T0
  const clients: TestClient[] = []

  beforeAll(async () => {
    server = await startPodiumOn(dialect, {}, { clock: () => now })
  })
  afterAll(async () => {
    for (const c of clients) c.destroy()
    await server?.close()
  })

  const connect = async (identity: TestClient['identity'], view?: string) => {
    const client = new TestClient(`${server.syncUrl}${view ? `?view=${view}` : ''}`, identity)
    clients.push(client)
    await client.synced()
    return client
  }

  const opened = async (sessionId: string) => {
    await server.podium.services.events.drain()
    return server.podium.services.db.kysely
      .selectFrom('analytics_events')
      .select(['participant_id', 'detail', 'at'])
      .where('session_id', '=', sessionId)
      .where('kind', '=', 'opened')
      .orderBy('seq')
      .execute()
  }

  it('[AN-OP2] counts each opening once a minute, per view, in the report and the export', async () => {
    now = T0
    const session = await createSession(server.url)
    const ann = await join(server.url, session.code, 'Ann')
    const bob = await join(server.url, session.code, 'Bob')
    const host = { sessionId: session.id, userId: session.hostUserId, token: session.hostToken }
    // Ann opens the room in two tabs, Bob with no view (an API client, a test), the host
    // puts the projector up: two openings.
    await connect(ann, 'room')
    await connect(ann, 'room')
    await connect(bob)
    await connect(host, 'projector')
    await expect
      .poll(async () => (await opened(session.id)).length, { timeout: 10_000, interval: 100 })
      .toBe(2)
    // A minute later Ann reloads: a new opening.
    now = T0 + 60_000
    await connect(ann, 'room')
    await expect
      .poll(async () => (await opened(session.id)).length, { timeout: 10_000, interval: 100 })
      .toBe(3)
    const rows = await opened(session.id)
    expect(rows.map((r) => [r.participant_id, r.detail])).toEqual(
      expect.arrayContaining([
        [ann.userId, 'room'],
        [host.userId, 'projector'],
      ]),
    )
    expect(rows.filter((r) => r.participant_id === ann.userId)).toHaveLength(2)
    expect(rows.some((r) => r.participant_id === bob.userId)).toBe(false)

    const report = await request<AnalyticsReport>(
      `${server.url}/api/sessions/${session.id}/analytics`,
      { token: session.hostToken },
    )
    expect(report.status).toBe(200)
    expect(report.body.totals.opens).toEqual({ room: 2, projector: 1 })
    expect(report.body.series.map((p) => [p.roomOpens, p.projectorOpens])).toEqual([
      [1, 1],
      [1, 0],
    ])

    const csv = await fetch(
      `${server.url}/api/sessions/${session.id}/analytics/export.csv?of=rollups`,
      { headers: { authorization: `Bearer ${session.hostToken}` } },
    )
    const minutes = parseCsv(await csv.text(), { columns: true }) as Array<Record<string, string>>
    expect(minutes.map((m) => [m.room_opens, m.projector_opens])).toEqual([
      ['1', '1'],
      ['1', '0'],
    ])
    const events = await fetch(
      `${server.url}/api/sessions/${session.id}/analytics/export.json?of=events`,
      { headers: { authorization: `Bearer ${session.hostToken}` } },
    )
    const kinds = ((await events.json()) as { rows: Array<{ kind: string; detail: string }> }).rows
      .filter((r) => r.kind === 'opened')
      .map((r) => r.detail)
    expect(kinds.sort()).toEqual(['projector', 'room', 'room'])
  })

  it('[AN-OP3] refuses a view it does not know, and records nothing for it', async () => {
    now = T0 + 120_000
    const session = await createSession(server.url)
    const eve = await join(server.url, session.code, 'Eve')
    const socket = new HocuspocusProviderWebsocket({
      url: `${server.syncUrl}?view=stage`,
      WebSocketPolyfill: WebSocket,
    })
    const refused = new Promise<string>((resolve) => {
      const provider = new HocuspocusProvider({
        websocketProvider: socket,
        name: documentName.public(session.id),
        document: new Y.Doc(),
        token: eve.token,
        onAuthenticationFailed: ({ reason }) => resolve(reason),
      })
      provider.attach()
    })
    try {
      expect(await refused).toBe('unknown-view')
    } finally {
      socket.destroy()
    }
    // The same person with a view it knows is let in and counted.
    await connect(eve, 'room')
    await expect
      .poll(async () => (await opened(session.id)).map((r) => r.detail), {
        timeout: 10_000,
        interval: 100,
      })
      .toEqual(['room'])
  })
})
