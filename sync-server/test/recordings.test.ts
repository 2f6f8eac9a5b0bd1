import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { documentName, RecordingDoc, type RecordingInfo, RecordingsResponse } from '@podium/shared'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { acceptedInvite, createSession, join as joinSession } from '../../test-support/api.ts'
import { type Janus, startJanus } from '../../test-support/janus.ts'
import { frameAt, probeMedia } from '../../test-support/media.ts'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'
import { publishFromPage } from '../../test-support/sfu-browser.ts'
import { launchVideoBrowser } from '../../test-support/video.ts'
import { recordingFolder } from '../src/recordings/files.ts'
import { partsOf, timeline } from '../src/recordings/process.ts'
import { signalingOptions } from '../src/signaling/mount.ts'

// Recording the stage with a real Janus: a Chromium page with a fake camera and
// microphone publishes through /sfu, the host starts and stops the recording over the
// API, janus-pp-rec and ffmpeg make the WebM, and ffprobe reads it back.

let janus: Janus
let browser: Browser
let podium: TestPodium

beforeAll(async () => {
  ;[janus, browser] = await Promise.all([startJanus(), launchVideoBrowser()])
  podium = await startPodium(
    { JANUS_URL: janus.url, JANUS_API_SECRET: janus.apiSecret },
    signalingOptions(),
  )
}, 60_000)
afterAll(async () => {
  await browser?.close()
  await podium?.close()
  await janus?.stop()
})

async function liveSession() {
  const session = await createSession(podium.url, { title: 'Recorded talk' })
  const live = await request(`${podium.url}/api/sessions/${session.id}/status`, {
    token: session.hostToken,
    body: { status: 'live' },
  })
  expect(live.status).toBe(200)
  return session
}

/** The host's camera and microphone (Chromium's fake devices) on the SFU, simulcast as the stage does. */
async function publish(token: string): Promise<Page> {
  const page = await browser.newPage()
  await publishFromPage(page, podium.url, token, { audio: true })
  return page
}

/** Starts recording once Janus has the feed (it announces it when media flows). */
async function startRecording(session: { id: string; hostToken: string }) {
  const until = Date.now() + 20_000
  for (;;) {
    const started = await request<RecordingInfo & { detail?: string }>(
      `${podium.url}/api/sessions/${session.id}/recording`,
      { method: 'POST', token: session.hostToken },
    )
    if (started.status === 201) return started.body
    if (!/Nobody is on the stage/.test(started.body.detail ?? '') || Date.now() > until)
      throw new Error(`start: ${started.status} ${JSON.stringify(started.body)}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

async function list(session: { id: string; hostToken: string }) {
  const listed = await request(`${podium.url}/api/sessions/${session.id}/recordings`, {
    token: session.hostToken,
  })
  expect(listed.status).toBe(200)
  return RecordingsResponse.parse(listed.body)
}

async function until<T>(what: () => Promise<T | undefined>, ms: number, label: string) {
  const end = Date.now() + ms
  for (;;) {
    const value = await what()
    if (value !== undefined) return value
    if (Date.now() > end) throw new Error(`timed out waiting for ${label}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

const flag = (sessionId: string) =>
  podium.podium.services.docs.read(documentName.public(sessionId), (doc) =>
    new RecordingDoc(doc).flag(),
  )

describe('stage recordings', () => {
  it('records the stage: start, stop, then a WebM with video and audio that plays back', async () => {
    const session = await liveSession()
    const attendee = await joinSession(podium.url, session.code, 'Ada')

    // Before anyone is on stage through the SFU there is nothing to record.
    const early = await request(`${podium.url}/api/sessions/${session.id}/recording`, {
      method: 'POST',
      token: session.hostToken,
    })
    expect(early.status).toBe(409)
    expect(early.headers.get('content-type')).toMatch(/application\/problem\+json/)
    expect(early.body).toMatchObject({ detail: expect.stringMatching(/go on stage/) })

    const page = await publish(session.hostToken)
    const started = await startRecording(session)
    expect(started).toMatchObject({ status: 'recording', stoppedAt: null, url: null })
    expect(await flag(session.id)).toEqual({ on: true, since: started.startedAt })

    // Only the host records; a second start while one runs is refused.
    const byAttendee = await request(`${podium.url}/api/sessions/${session.id}/recording`, {
      method: 'POST',
      token: attendee.token,
    })
    expect(byAttendee.status).toBe(403)
    const again = await request(`${podium.url}/api/sessions/${session.id}/recording`, {
      method: 'POST',
      token: session.hostToken,
    })
    expect(again.status).toBe(409)
    expect(again.body).toMatchObject({ detail: expect.stringMatching(/already being recorded/) })

    await new Promise((resolve) => setTimeout(resolve, 4000))
    const stopped = await request<RecordingInfo>(
      `${podium.url}/api/sessions/${session.id}/recording`,
      { method: 'DELETE', token: session.hostToken },
    )
    expect(stopped.status).toBe(200)
    const stoppedAt = Date.now()
    expect(stopped.body).toMatchObject({ id: started.id, status: 'processing' })
    expect(await flag(session.id)).toEqual({ on: false, since: null })
    await page.close()

    const ready = await until(
      async () => {
        const { recordings } = await list(session)
        const row = recordings.find((r) => r.id === started.id)
        if (row?.status === 'failed') throw new Error(`failed: ${row.error}`)
        return row?.status === 'ready' ? row : undefined
      },
      60_000,
      'the recording to be ready',
    )
    console.info(
      `recording: ${ready.durationMs} ms, ${ready.sizeBytes} bytes, ready ${Date.now() - stoppedAt} ms after stop`,
    )
    expect(ready.durationMs).toBeGreaterThan(2000)
    expect(ready.sizeBytes).toBeGreaterThan(10_000)

    // ffprobe reads a VP8 video stream and an Opus audio stream with a duration.
    const folder = recordingFolder(
      podium.podium.services.config.recordings.dir,
      session.id,
      ready.id,
    )
    expect(readdirSync(folder)).toEqual([`${ready.id}.webm`])
    const probed = await probeMedia(join(folder, `${ready.id}.webm`))
    expect(probed.streams).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ codec_type: 'video', codec_name: 'vp8' }),
        expect.objectContaining({ codec_type: 'audio', codec_name: 'opus' }),
      ]),
    )
    expect(Number(probed.format.duration)).toBeGreaterThan(2)

    // The signed link streams it, whole or by range, as a download.
    const url = ready.url ?? ''
    const whole = await fetch(url)
    expect(whole.status).toBe(200)
    expect(whole.headers.get('content-type')).toBe('video/webm')
    expect(whole.headers.get('accept-ranges')).toBe('bytes')
    expect(whole.headers.get('content-disposition')).toMatch(
      /^attachment; filename="podium-.*\.webm"$/,
    )
    expect((await whole.arrayBuffer()).byteLength).toBe(ready.sizeBytes)
    const part = await fetch(url, { headers: { range: 'bytes=100-199' } })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${ready.sizeBytes}`)
    expect((await part.arrayBuffer()).byteLength).toBe(100)
    const tail = await fetch(url, { headers: { range: 'bytes=-10' } })
    expect(tail.status).toBe(206)
    expect((await tail.arrayBuffer()).byteLength).toBe(10)
    const past = await fetch(url, { headers: { range: `bytes=${ready.sizeBytes}-` } })
    expect(past.status).toBe(416)
    expect(past.headers.get('content-type')).toMatch(/application\/problem\+json/)
    expect(past.headers.get('content-range')).toBe(`bytes */${ready.sizeBytes}`)

    // A link with another signature, or for another recording, opens nothing.
    const forged = await fetch(url.replace(/signature=[^&]+/, 'signature=forged'))
    expect(forged.status).toBe(403)
    expect(await forged.json()).toMatchObject({
      detail: expect.stringMatching(/not valid or has expired/),
    })

    // Deleting takes the row and the file.
    const deleted = await request(
      `${podium.url}/api/sessions/${session.id}/recordings/${ready.id}`,
      { method: 'DELETE', token: session.hostToken },
    )
    expect(deleted.status).toBe(204)
    expect(existsSync(folder)).toBe(false)
    expect((await list(session)).recordings).toEqual([])
    expect((await fetch(url)).status).toBe(404)
  }, 120_000)

  it('carries on when the presenter publishes again (a reload): both parts are in the file', async () => {
    const session = await liveSession()
    const first = await publish(session.hostToken)
    const started = await startRecording(session)
    await new Promise((resolve) => setTimeout(resolve, 3000))
    // The only socket closes: the room goes, and comes back with the next publisher.
    await first.close()
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const second = await publish(session.hostToken)
    await new Promise((resolve) => setTimeout(resolve, 3500))
    const stopped = await request(`${podium.url}/api/sessions/${session.id}/recording`, {
      method: 'DELETE',
      token: session.hostToken,
    })
    expect(stopped.status).toBe(200)
    await second.close()
    const ready = await until(
      async () => {
        const row = (await list(session)).recordings.find((r) => r.id === started.id)
        if (row?.status === 'failed') throw new Error(`failed: ${row.error}`)
        return row?.status === 'ready' ? row : undefined
      },
      60_000,
      'the recording to be ready',
    )
    // One part alone is at most about 3.5 s.
    expect(ready.durationMs).toBeGreaterThan(5000)
  }, 120_000)

  it('composes two people on the stage into one picture, and one alone fills it', async () => {
    const session = await liveSession()
    const presenter = await acceptedInvite(podium.url, session, 'presenter', 'Ben')
    const host = await publish(session.hostToken)
    const started = await startRecording(session)
    const guest = await publish(presenter.token)
    await new Promise((resolve) => setTimeout(resolve, 4000))
    // Ben leaves the stage; the host goes on alone.
    await guest.close()
    await new Promise((resolve) => setTimeout(resolve, 3000))
    const stopped = await request(`${podium.url}/api/sessions/${session.id}/recording`, {
      method: 'DELETE',
      token: session.hostToken,
    })
    expect(stopped.status).toBe(200)
    await host.close()
    const ready = await until(
      async () => {
        const row = (await list(session)).recordings.find((r) => r.id === started.id)
        if (row?.status === 'failed') throw new Error(`failed: ${row.error}`)
        return row?.status === 'ready' ? row : undefined
      },
      90_000,
      'the recording to be ready',
    )
    expect(ready.durationMs).toBeGreaterThan(5000)
    const file = join(
      recordingFolder(podium.podium.services.config.recordings.dir, session.id, ready.id),
      `${ready.id}.webm`,
    )
    const probed = await probeMedia(file)
    expect(probed.streams).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          codec_type: 'video',
          codec_name: 'vp8',
          width: 1280,
          height: 720,
        }),
        expect.objectContaining({ codec_type: 'audio', codec_name: 'opus' }),
      ]),
    )
    // A frame's green channel: Chromium's fake camera is green all over, bars are black.
    const frame = async (seconds: number) => {
      const pixels = await frameAt(file, seconds, 'rgb24')
      return (x: number, y: number) => pixels[(y * 1280 + x) * 3 + 1] ?? -1
    }
    // Both on stage: each fills half the width, letterboxed (black above and below).
    const together = await frame(2.5)
    expect(together(320, 360)).toBeGreaterThan(40)
    expect(together(960, 360)).toBeGreaterThan(40)
    expect(together(320, 30)).toBeLessThan(25)
    expect(together(960, 30)).toBeLessThan(25)
    // The host alone at the end: the whole picture.
    const alone = await frame((ready.durationMs ?? 0) / 1000 - 1)
    expect(alone(640, 30)).toBeGreaterThan(40)
    expect(alone(640, 360)).toBeGreaterThan(40)
  }, 150_000)

  it('ending the session stops its recording and clears the flag', async () => {
    const session = await liveSession()
    const page = await publish(session.hostToken)
    const started = await startRecording(session)
    await new Promise((resolve) => setTimeout(resolve, 2000))
    const ended = await request(`${podium.url}/api/sessions/${session.id}/status`, {
      token: session.hostToken,
      body: { status: 'ended' },
    })
    expect(ended.status).toBe(200)
    const row = await until(
      async () => {
        const found = (await list(session)).recordings.find((r) => r.id === started.id)
        return found?.status === 'ready' || found?.status === 'failed' ? found : undefined
      },
      60_000,
      'the recording to stop',
    )
    expect(row).toMatchObject({ status: 'ready', stoppedAt: expect.any(Number) })
    expect(await flag(session.id)).toEqual({ on: false, since: null })
    await page.close()
  }, 120_000)

  it('puts parts one after the other, and keeps the larger of two at the same time (one picture)', () => {
    const part = (publisher: string, at: number, seconds: number, size: number) => ({
      publisher,
      at: at * 1_000_000,
      durationUs: seconds * 1_000_000,
      size,
    })
    const reload = [part('a', 0, 10, 100), part('b', 10.5, 20, 50)]
    expect(timeline(reload).map((p) => p.publisher)).toEqual(['a', 'b'])
    const together = [part('a', 0, 10, 100), part('b', 2, 10, 300), part('c', 30, 5, 10)]
    expect(timeline(together).map((p) => p.publisher)).toEqual(['b', 'c'])
    const files = [
      { name: 'v1', publisher: '7', at: 20, kind: 'video' as const, size: 5 },
      { name: 'a1', publisher: '7', at: 19, kind: 'audio' as const, size: 2 },
      { name: 'v0', publisher: '3', at: 10, kind: 'video' as const, size: 9 },
    ]
    expect(partsOf(files)).toEqual([
      { publisher: '3', at: 10, size: 9, video: files[2] },
      { publisher: '7', at: 19, size: 7, video: files[0], audio: files[1] },
    ])
  })

  it('answers bad requests with problems a host can act on', async () => {
    const session = await createSession(podium.url, { title: 'Not live yet' })
    const call = (method: string, path: string, token = session.hostToken) =>
      request<{ detail: string }>(`${podium.url}/api/sessions/${session.id}${path}`, {
        method,
        token,
      })

    const notLive = await call('POST', '/recording')
    expect(notLive.status).toBe(409)
    expect(notLive.body.detail).toMatch(/only while the session is live/)
    const nothing = await call('DELETE', '/recording')
    expect(nothing.status).toBe(409)
    expect(nothing.body.detail).toMatch(/Nothing is being recorded/)
    const unknown = await call('DELETE', '/recordings/recNoSuchOne')
    expect(unknown.status).toBe(404)
    expect(unknown.body.detail).toMatch(/no recording recNoSuchOne/)
    const badId = await call('DELETE', '/recordings/bad%20id')
    expect(badId.status).toBe(400)

    const attendee = await joinSession(podium.url, session.code, 'Bo')
    expect((await call('GET', '/recordings', attendee.token)).status).toBe(403)
    const other = await createSession(podium.url, { title: 'Someone else' })
    expect((await call('GET', '/recordings', other.hostToken)).status).toBe(403)
    expect((await call('GET', '/recordings', '')).status).toBe(401)

    const noLink = await fetch(
      `${podium.url}/api/sessions/${session.id}/recordings/recNoSuchOne/file`,
    )
    expect(noLink.status).toBe(400)
  })

  it('at start takes over what a restart left: running ones only where the rooms were, stale processing ones once', async () => {
    const { services } = podium.podium
    const session = await createSession(podium.url, { title: 'Restarted' })
    const now = Date.now()
    const row = (id: string, status: string, stoppedAt: number | null) =>
      services.db.kysely
        .insertInto('recordings')
        .values({
          id,
          session_id: session.id,
          status,
          started_at: now - 3_600_000,
          stopped_at: stoppedAt,
        })
        .execute()
    await row('recRunning', 'recording', null)
    await row('recFresh01', 'processing', now - 60_000)
    await row('recStale01', 'processing', now - 20 * 60_000)
    const statuses = async () =>
      Object.fromEntries(
        (
          await services.db.kysely
            .selectFrom('recordings')
            .select(['id', 'status'])
            .where('session_id', '=', session.id)
            .execute()
        ).map((r) => [r.id, r.status]),
      )
    const { Recordings } = await import('../src/recordings/domain.ts')
    const recorder = {
      start: async () => undefined,
      stop: async () => undefined,
      roomCreated: async () => undefined,
    }

    // A sync-server whose rooms are in the signal-server (compose): the running recording
    // goes on there, the fresh one is another instance's; the stale one is taken over
    // (its folder holds no media, so it fails with the reason).
    const elsewhere = new Recordings({ services, recorder, holdsRooms: false })
    await elsewhere.resume()
    await elsewhere.idle()
    expect(await statuses()).toEqual({
      recRunning: 'recording',
      recFresh01: 'processing',
      recStale01: 'failed',
    })
    // Two instances cannot both take one over.
    const fresh = await elsewhere.store.get(session.id, 'recFresh01')
    expect(await elsewhere.store.claim('recFresh01', fresh?.stopped_at ?? null, now)).toBe(true)
    expect(await elsewhere.store.claim('recFresh01', fresh?.stopped_at ?? null, now)).toBe(false)

    // The process that held the rooms: what was running ended with it.
    const here = new Recordings({ services, recorder, holdsRooms: true })
    await here.resume()
    await here.idle()
    expect(await statuses()).toEqual({
      recRunning: 'failed',
      recFresh01: 'failed',
      recStale01: 'failed',
    })
    expect((await here.store.get(session.id, 'recRunning'))?.error).toMatch(/wrote no media/)
  })

  it('deletes recordings older than the retention, and a session its recordings, files too', async () => {
    const { services } = podium.podium
    const dir = services.config.recordings.dir
    const session = await createSession(podium.url, { title: 'Old talks' })
    const day = 86_400_000
    const now = Date.now()
    const make = async (id: string, startedAt: number) => {
      await services.db.kysely
        .insertInto('recordings')
        .values({
          id,
          session_id: session.id,
          status: 'ready',
          started_at: startedAt,
          stopped_at: startedAt + 60_000,
          duration_ms: 60_000,
          size_bytes: 4,
          file: `${id}.webm`,
        })
        .execute()
      const folder = recordingFolder(dir, session.id, id)
      mkdirSync(folder, { recursive: true })
      writeFileSync(join(folder, `${id}.webm`), 'webm')
      return folder
    }
    const old = await make('recOld0001', now - 31 * day)
    const recent = await make('recNew0001', now - 29 * day)

    const { Recordings } = await import('../src/recordings/domain.ts')
    const { RecordingRetention } = await import('../src/recordings/retention.ts')
    // The job's clock is the test's: thirty days after the recent one, it goes too.
    let clock = now
    const recordings = new Recordings({
      services: { ...services, clock: () => clock },
      recorder: {
        start: async () => undefined,
        stop: async () => undefined,
        roomCreated: async () => undefined,
      },
      holdsRooms: true,
    })
    const retention = new RecordingRetention(recordings, 30, services.log)
    expect(await retention.run()).toBe(1)
    expect(existsSync(old)).toBe(false)
    expect(existsSync(recent)).toBe(true)
    expect((await list(session)).recordings.map((r) => r.id)).toEqual(['recNew0001'])
    clock = now + 2 * day
    expect(await retention.run()).toBe(1)
    expect(existsSync(recent)).toBe(false)

    // Deleting the session deletes its recordings' rows and folder.
    const kept = await make('recKept001', now)
    const removed = await request(`${podium.url}/api/sessions/${session.id}`, {
      method: 'DELETE',
      token: session.hostToken,
    })
    expect(removed.status).toBeLessThan(300)
    expect(existsSync(kept)).toBe(false)
    const rows = await services.db.kysely
      .selectFrom('recordings')
      .select('id')
      .where('session_id', '=', session.id)
      .execute()
    expect(rows).toEqual([])
  })
})
