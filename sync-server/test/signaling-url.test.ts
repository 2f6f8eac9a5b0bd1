import type { WebrtcRoomResponse } from '@podium/shared'
import { afterEach, describe, expect, it } from 'vitest'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'
import { signalingOptions } from '../src/signaling/mount.ts'

const started: TestPodium[] = []

afterEach(async () => {
  await Promise.all(started.splice(0).map((podium) => podium.close()))
})

/** Starts Podium with the signaling endpoints mounted, creates a session, asks for its room. */
async function roomOf(
  env: Record<string, string>,
): Promise<{ url: string; room: WebrtcRoomResponse }> {
  const podium = await startPodium(env, signalingOptions())
  started.push(podium)
  const created = await request<{ id: string; hostToken: string }>(`${podium.url}/api/sessions`, {
    body: { title: 'Signaling' },
  })
  expect(created.status).toBe(201)
  const { id, hostToken } = created.body
  const room = await request<WebrtcRoomResponse>(`${podium.url}/api/sessions/${id}/webrtc-room`, {
    token: hostToken,
  })
  expect(room.status).toBe(200)
  return { url: podium.url, room: room.body }
}

describe('the y-webrtc signaling URL staff are given', () => {
  it('is on the public URL by default', async () => {
    const { room } = await roomOf({ PUBLIC_URL: 'https://podium.example.org' })
    expect(room.signalingUrl).toMatch(/^wss:\/\/podium\.example\.org\/signal\?token=/)
  })

  it('is on the host the browser asked on without PUBLIC_URL (its CSP allows only that)', async () => {
    const { url, room } = await roomOf({})
    expect(room.signalingUrl.startsWith(`${url.replace(/^http/, 'ws')}/signal?token=`)).toBe(true)
  })

  it('is on SIGNALING_URL when signal-server runs as its own service', async () => {
    const { room } = await roomOf({
      PUBLIC_URL: 'https://podium.example.org',
      SIGNALING_URL: 'https://signal.example.org/',
    })
    expect(room.signalingUrl).toMatch(/^wss:\/\/signal\.example\.org\/signal\?token=/)
    const ws = await roomOf({ SIGNALING_URL: 'ws://127.0.0.1:9000' })
    expect(ws.room.signalingUrl).toMatch(/^ws:\/\/127\.0\.0\.1:9000\/signal\?token=/)
  })
})
