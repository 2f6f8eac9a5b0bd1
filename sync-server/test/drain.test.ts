import { CloseCode } from '@podium/shared'
import { afterAll, describe, expect, it } from 'vitest'
import { startPodium, type TestPodium } from '../../test-support/podium.ts'
import { createSession, join, TestClient, waitFor } from './helpers/clients.ts'

// Stopping an instance (SIGTERM in main.ts) drains it: not ready, no new sockets, what the
// ingest holds decided and every document stored, then clients told to reconnect elsewhere.

const clients: TestClient[] = []
afterAll(() => {
  for (const c of clients) c.destroy()
})

describe('closing an instance', () => {
  let server: TestPodium
  it('answers /readyz 503, stores what was asked, and closes sockets with 4503', async () => {
    server = await startPodium()
    const session = await createSession(server.url)
    const alice = new TestClient(server.syncUrl, await join(server.url, session.code, 'Alice'))
    clients.push(alice)
    await alice.synced()
    const codes: number[] = []
    alice.socket.on('close', ({ event }: { event: { code: number } }) => codes.push(event.code))
    const { questionId } = alice.outbox.ask('Asked just before the restart')
    await waitFor(() => alice.outbox.receipt(questionId) !== undefined, 10_000, 'the receipt')

    const readyz: number[] = []
    const closing = server.podium.close()
    readyz.push(
      await fetch(`${server.url}/readyz`).then(
        (r) => r.status,
        () => 0,
      ),
    )
    await closing
    // Refused (503) while draining, or no longer listening at all.
    expect(readyz[0] === 503 || readyz[0] === 0).toBe(true)
    await waitFor(() => codes.length > 0, 10_000, 'the socket closed')
    expect(codes[0]).toBe(CloseCode.restarting)

    // The same data folder, started again: the question was stored before the exit.
    const again = await startPodium({}, { dataDir: server.dataDir })
    try {
      const bob = new TestClient(again.syncUrl, await join(again.url, session.code, 'Bob'))
      clients.push(bob)
      await bob.synced()
      await waitFor(() => bob.public.hasQuestion(questionId), 10_000, 'the stored question')
    } finally {
      alice.socket.disconnect()
      await again.close()
    }
  }, 60_000)
})
