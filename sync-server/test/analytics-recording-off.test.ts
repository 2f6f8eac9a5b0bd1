import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPodium, type TestPodium } from '../../test-support/podium.ts'
import { createSession, join, TestClient } from './helpers/clients.ts'

// ANALYTICS_RECORDING=false, for measuring what recording costs: the events are still
// stored (other subscribers read them), analytics records none of them.

describe('analytics with recording off', () => {
  let server: TestPodium
  const clients: TestClient[] = []

  beforeAll(async () => {
    server = await startPodium({ ANALYTICS_RECORDING: 'false' })
  })
  afterAll(async () => {
    for (const c of clients) c.destroy()
    await server?.close()
  })

  it('stores the events and records none of them', async () => {
    const session = await createSession(server.url)
    const ann = await join(server.url, session.code, 'Ann')
    const client = new TestClient(`${server.syncUrl}?view=room`, ann)
    clients.push(client)
    await client.synced()
    const { db } = server.podium.services
    const stored = () =>
      db.kysely
        .selectFrom('domain_events')
        .select('type')
        .where('session_id', '=', session.id)
        .execute()
    await expect
      .poll(async () => (await stored()).map((e) => e.type).sort(), {
        timeout: 10_000,
        interval: 100,
      })
      .toEqual(['participant.joined', 'view.opened'])
    const recorded = await db.kysely
      .selectFrom('analytics_events')
      .select('kind')
      .where('session_id', '=', session.id)
      .execute()
    expect(recorded).toEqual([])
    const cursor = await db.kysely
      .selectFrom('event_cursors')
      .selectAll()
      .where('subscriber', '=', 'analytics')
      .execute()
    expect(cursor).toEqual([])
  })
})
