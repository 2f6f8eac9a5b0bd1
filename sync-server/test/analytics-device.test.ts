import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSession, join } from '../../test-support/api.ts'
import { startPodium, type TestPodium } from '../../test-support/podium.ts'
import { TestClient } from '../../test-support/sync-client.ts'

// Presence with the device class, through a real server: a phone's and a desktop's
// connections are recorded as such, and nothing else of their user agents is kept.

const PHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1'
const DESKTOP_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36'

describe('joins with the device class', () => {
  let server: TestPodium
  const clients: TestClient[] = []

  beforeAll(async () => {
    server = await startPodium()
  })
  afterAll(async () => {
    for (const c of clients) c.destroy()
    await server?.close()
  })

  it('[AN-25] records a join from a phone as phone and from a desktop as desktop', async () => {
    const session = await createSession(server.url)
    const phone = await join(server.url, session.code, 'Phone')
    const desktop = await join(server.url, session.code, 'Desk')
    clients.push(new TestClient(server.syncUrl, phone, {}, false, PHONE_UA))
    clients.push(new TestClient(server.syncUrl, desktop, {}, false, DESKTOP_UA))
    await Promise.all(clients.map((c) => c.synced()))
    const { db, events } = server.podium.services
    const joined = async () => {
      await events.drain()
      return db.kysely
        .selectFrom('analytics_events')
        .select(['participant_id', 'detail'])
        .where('session_id', '=', session.id)
        .where('kind', '=', 'joined')
        .orderBy('participant_id')
        .execute()
    }
    await expect.poll(joined, { timeout: 10_000, interval: 100 }).toHaveLength(2)
    // Compared by participant, not by an order: the database sorts ids by their bytes,
    // localeCompare by the locale's rules, and random ids differ in case.
    const byParticipant = (rows: Array<{ participant_id: string | null; detail: string | null }>) =>
      Object.fromEntries(rows.map((r) => [r.participant_id, r.detail]))
    expect(byParticipant(await joined())).toEqual({
      [phone.userId]: 'phone',
      [desktop.userId]: 'desktop',
    })
    // Nothing of the user agent beyond its class is stored anywhere in analytics.
    const raw = await db.kysely.selectFrom('analytics_events').select('detail').execute()
    expect(JSON.stringify(raw)).not.toMatch(/iPhone|Windows|Mozilla/)
  })
})
