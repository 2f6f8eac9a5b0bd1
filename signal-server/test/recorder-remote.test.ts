import { existsSync, readdirSync } from 'node:fs'
import { type RecordingInfo, RecordingsResponse } from '@podium/shared'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recordingFolder } from '../../sync-server/src/recordings/files.ts'
import { remoteRecorder } from '../../sync-server/src/recordings/remote.ts'
import { signalingOptions } from '../../sync-server/src/signaling/mount.ts'
import { createSession } from '../../test-support/api.ts'
import { type Janus, startJanus } from '../../test-support/janus.ts'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'
import { publishFromPage, stopPublishing } from '../../test-support/sfu-browser.ts'
import { launchVideoBrowser } from '../../test-support/video.ts'
import { recorderKey } from '../src/index.ts'
import { SECRET, startSignal, type TestSignal } from './helpers/signal.ts'

// docker compose: the standalone signal-server serves /sfu, so the Janus rooms are there;
// the sync-server's recordings API starts and stops them through its internal recorder
// routes (SFU_RECORDER_URL), and Janus writes where the sync-server reads.
let janus: Janus
let signal: TestSignal
let podium: TestPodium
let browser: Browser

beforeAll(async () => {
  ;[janus, browser] = await Promise.all([startJanus(), launchVideoBrowser()])
  signal = await startSignal({ JANUS_URL: janus.url, JANUS_API_SECRET: janus.apiSecret })
  podium = await startPodium(
    { TOKEN_SECRET: SECRET, ...signal.databaseEnv, SFU_RECORDER_URL: signal.url },
    signalingOptions(),
  )
}, 60_000)
afterAll(async () => {
  await browser?.close()
  await podium?.close()
  await signal?.close()
  await janus?.stop()
})

describe('recording through a standalone signal-server', () => {
  it('the sync-server starts and stops the recording where the room is; the WebM is made', async () => {
    const session = await createSession(podium.url, { title: 'Compose talk' })
    await request(`${podium.url}/api/sessions/${session.id}/status`, {
      token: session.hostToken,
      body: { status: 'live' },
    })
    const page = await browser.newPage()
    await publishFromPage(page, signal.url, session.hostToken)

    let started: RecordingInfo | undefined
    const until = Date.now() + 20_000
    while (!started) {
      const answer = await request<RecordingInfo & { detail?: string }>(
        `${podium.url}/api/sessions/${session.id}/recording`,
        { method: 'POST', token: session.hostToken },
      )
      if (answer.status === 201) started = answer.body
      else if (!/Nobody is on the stage/.test(answer.body.detail ?? '') || Date.now() > until)
        throw new Error(`start: ${answer.status} ${JSON.stringify(answer.body)}`)
      else await new Promise((resolve) => setTimeout(resolve, 250))
    }
    const folder = recordingFolder(
      podium.podium.services.config.recordings.dir,
      session.id,
      started.id,
    )
    await new Promise((resolve) => setTimeout(resolve, 3000))
    expect(readdirSync(folder).some((name) => name.endsWith('.mjr'))).toBe(true)
    const stopped = await request(`${podium.url}/api/sessions/${session.id}/recording`, {
      method: 'DELETE',
      token: session.hostToken,
    })
    expect(stopped.status).toBe(200)
    await stopPublishing(page)
    await page.close()

    const end = Date.now() + 60_000
    for (;;) {
      const listed = await request(`${podium.url}/api/sessions/${session.id}/recordings`, {
        token: session.hostToken,
      })
      const row = RecordingsResponse.parse(listed.body).recordings[0]
      if (row?.status === 'ready') {
        expect(row.durationMs).toBeGreaterThan(1500)
        break
      }
      if (row?.status === 'failed' || Date.now() > end) throw new Error(JSON.stringify(row))
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    expect(readdirSync(folder)).toEqual([`${started.id}.webm`])
  }, 120_000)

  it('takes recorder requests only with the key made from TOKEN_SECRET, and says why not', async () => {
    const call = (path: string, key: string, body?: object) =>
      request<{ detail: string }>(`${signal.url}/internal/recorder/${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}` },
        ...(body ? { body } : {}),
      })
    const forged = await call('someSession/stop', recorderKey('another-secret-another-secret-0000'))
    expect(forged.status).toBe(401)
    expect(forged.headers.get('content-type')).toMatch(/application\/problem\+json/)
    const key = recorderKey(SECRET)
    expect((await call('bad%20id/stop', key)).status).toBe(400)
    expect((await call('someSession/start', key, {})).status).toBe(400)
    // No room for the session on this signal-server: nothing on stage to record.
    const empty = await call('someSession/start', key, { folder: '/tmp/nowhere' })
    expect(empty.status).toBe(409)
    expect(empty.body.detail).toMatch(/Nobody is on the stage/)
    expect(existsSync('/tmp/nowhere')).toBe(false)

    // A recorder URL where nothing listens: a refusal a host can read, not a crash.
    const away = remoteRecorder('http://127.0.0.1:9', SECRET)
    await expect(away.start('someSession', '/tmp/nowhere')).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/recorder does not answer \(SFU_RECORDER_URL\)/),
    })
  })
})
