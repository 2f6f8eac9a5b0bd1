import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Janus, startJanus } from '../../test-support/janus.ts'
import { probeMedia } from '../../test-support/media.ts'
import { publishFromPage, stopPublishing } from '../../test-support/sfu-browser.ts'
import { launchVideoBrowser } from '../../test-support/video.ts'
import { runningFfmpeg } from '../src/sfu/broadcast/ffmpeg.ts'
import { SfuSocket, viewerAnswer } from './helpers/sfu-client.ts'
import { accessToken, startSignal, type TestSignal } from './helpers/signal.ts'

// The HLS broadcast with real parts: Janus forwards a Chromium publisher's fake camera and
// microphone to a real ffmpeg, whose playlist and segments the signal-server serves; the
// segments are checked with ffprobe. SFU_MAX_VIEWERS=1: the second viewer of a feed is
// refused by the SFU, and that starts the broadcast.
const run = promisify(execFile)
const SID = 'hlsSess001'
const OTHER_SID = 'hlsSess002'

let janus: Janus
let signal: TestSignal
let browser: Browser
let dataDir: string
const sockets: SfuSocket[] = []

const open = (token: string) => {
  const socket = SfuSocket.connect(signal.url, token)
  sockets.push(socket)
  return socket
}

/** ffmpeg processes whose arguments name this test's data folder (the OS's view, not ours). */
async function ffmpegProcesses(dir: string): Promise<number> {
  const found = await run('pgrep', ['-f', `ffmpeg.*${dir}`]).catch(() => ({ stdout: '' }))
  return found.stdout.split('\n').filter(Boolean).length
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'podium-hls-'))
  ;[janus, browser] = await Promise.all([startJanus(), launchVideoBrowser()])
  signal = await startSignal(
    {
      JANUS_URL: janus.url,
      JANUS_API_SECRET: janus.apiSecret,
      SFU_MAX_VIEWERS: '1',
      DATA_DIR: dataDir,
    },
    { recheckMs: 10 * 60_000 },
  )
})
afterAll(async () => {
  for (const socket of sockets) socket.close()
  await browser?.close()
  await signal?.close()
  await janus?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

async function publishing(userId: string, sid = SID) {
  const token = await signal.token({ sub: userId, sid, role: 'host', name: userId })
  const page: Page = await browser.newPage()
  await publishFromPage(page, signal.url, token, { audio: true })
  return {
    token,
    stop: async () => {
      await stopPublishing(page)
      await page.close()
    },
  }
}

async function viewer(userId: string, publisher: string, sid = SID) {
  const token = await signal.token({ sub: userId, sid, role: 'attendee', name: userId })
  const socket = open(token)
  await socket.next('feeds', (m) => (m.feeds ?? []).some((f) => f.userId === publisher), 15_000)
  return { socket, token }
}

const get = (path: string, token?: string) =>
  fetch(`${signal.url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {})

const send = (method: 'POST' | 'DELETE', path: string, token: string, body?: unknown) =>
  fetch(`${signal.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })

/** Media segments the playlist lists now. */
async function segments(playlist: string): Promise<string[]> {
  const answer = await get(playlist)
  if (answer.status !== 200) return []
  return (await answer.text()).split('\n').filter((line) => line.endsWith('.ts'))
}

describe('the HLS broadcast', () => {
  it('starts when a feed passes the SFU cap, serves valid segments, and stops with its presenter', async () => {
    const host = await publishing('hlsHost001')
    const first = await viewer('hlsView001', 'hlsHost001')
    first.socket.send({ type: 'subscribe', sessionId: SID, userId: 'hlsHost001', feed: 'camera' })
    const offer = await first.socket.next('offer', () => true, 10_000)
    first.socket.send({
      type: 'answer',
      subscription: offer.subscription,
      sdp: viewerAnswer(offer.sdp ?? ''),
    })
    await first.socket.next('started')

    // The second viewer is over the cap: refused, told to watch the broadcast, which starts.
    const second = await viewer('hlsView002', 'hlsHost001')
    await expect(second.socket.next('broadcast')).resolves.toMatchObject({
      broadcast: { state: 'off' },
    })
    second.socket.send({ type: 'subscribe', sessionId: SID, userId: 'hlsHost001', feed: 'camera' })
    await expect(second.socket.next('error')).resolves.toMatchObject({
      code: 'sfu-full',
      message: expect.stringMatching(/watch the broadcast instead/),
    })
    const live = await second.socket.next(
      'broadcast',
      (m) => (m.broadcast as { state: string }).state === 'live',
      30_000,
    )
    const status = live.broadcast as { playlist: string; source: { userId: string } }
    expect(status.source.userId).toBe('hlsHost001')
    expect(status.playlist).toMatch(/^\/broadcast\/hls\/[A-Za-z0-9_-]{22}\/index\.m3u8$/)
    expect(await ffmpegProcesses(dataDir)).toBe(1)

    // The playlist: short-lived in caches, one-second segments with wall-clock times.
    await expect.poll(() => segments(status.playlist), { timeout: 20_000 }).toHaveLength(3)
    const playlist = await get(status.playlist)
    expect(playlist.headers.get('content-type')).toBe('application/vnd.apple.mpegurl')
    expect(playlist.headers.get('cache-control')).toBe('public, max-age=1')
    const text = await playlist.text()
    expect(text).toMatch(/#EXT-X-TARGETDURATION:[12]\n/)
    expect(text).toMatch(/#EXT-X-PROGRAM-DATE-TIME:/)

    // A segment: cacheable for good, H.264 at 640×360 and AAC, about a second.
    const [name] = await segments(status.playlist)
    const segment = await get(status.playlist.replace('index.m3u8', name ?? ''))
    expect(segment.status).toBe(200)
    expect(segment.headers.get('cache-control')).toBe('public, max-age=86400, immutable')
    expect(segment.headers.get('content-type')).toBe('video/mp2t')
    const file = join(dataDir, 'probe.ts')
    writeFileSync(file, Buffer.from(await segment.arrayBuffer()))
    const probed = await probeMedia(file)
    const video = probed.streams.find((s) => s.codec_type === 'video')
    expect(video).toMatchObject({ codec_name: 'h264', width: 640, height: 360 })
    expect(probed.streams.find((s) => s.codec_type === 'audio')).toMatchObject({
      codec_name: 'aac',
    })
    expect(Number(probed.format.duration)).toBeGreaterThan(0.5)
    expect(Number(probed.format.duration)).toBeLessThan(2.5)

    // Everyone in the session reads the same status over HTTP.
    const read = await get(`/broadcast/sessions/${SID}`, first.token)
    expect(read.headers.get('cache-control')).toBe('no-store')
    expect(await read.json()).toMatchObject({ state: 'live', playlist: status.playlist })

    // The presenter leaves: the broadcast stops, and its ffmpeg with it.
    await host.stop()
    await expect(
      second.socket.next(
        'broadcast',
        (m) => (m.broadcast as { state: string }).state === 'off',
        10_000,
      ),
    ).resolves.toMatchObject({ broadcast: { reason: expect.stringMatching(/presenter left/) } })
    expect(runningFfmpeg()).toBe(0)
    expect(await ffmpegProcesses(dataDir)).toBe(0)

    // Back (a reload): viewers were turned away, so the broadcast resumes by itself.
    const back = await publishing('hlsHost001')
    const resumed = await second.socket.next(
      'broadcast',
      (m) => (m.broadcast as { state: string }).state === 'live',
      30_000,
    )
    expect((resumed.broadcast as { playlist: string }).playlist).not.toBe(status.playlist)
    await back.stop()
    await second.socket.next(
      'broadcast',
      (m) => (m.broadcast as { state: string }).state === 'off',
      10_000,
    )
    expect(await ffmpegProcesses(dataDir)).toBe(0)
  })

  it('lets only the host start and stop it, and says why when it cannot', async () => {
    const hostToken = await signal.token({ sub: 'hlsHost002', sid: OTHER_SID, role: 'host' })
    const attendee = await signal.token({ sub: 'hlsView003', sid: OTHER_SID, role: 'attendee' })
    const path = `/broadcast/sessions/${OTHER_SID}`

    // Nobody on the SFU yet: nothing to broadcast.
    const empty = await send('POST', path, hostToken, {})
    expect(empty.status).toBe(404)
    expect(empty.headers.get('content-type')).toMatch(/application\/problem\+json/)
    expect((await empty.json()).detail).toMatch(/No camera is on the media server/)

    const host = await publishing('hlsHost002', OTHER_SID)
    await viewer('hlsView003', 'hlsHost002', OTHER_SID)
    const refused = await send('POST', path, attendee, {})
    expect(refused.status).toBe(403)
    expect((await refused.json()).detail).toBe('Only the host starts and stops the broadcast.')
    const unknownCamera = await send('POST', path, hostToken, { userId: 'nobody' })
    expect(unknownCamera.status).toBe(404)
    const badBody = await send('POST', path, hostToken, { userId: 7, extra: true })
    expect(badBody.status).toBe(400)
    expect((await badBody.json()).detail).toMatch(/request body is not valid/)

    const started = await send('POST', path, hostToken, { userId: 'hlsHost002' })
    expect(started.status).toBe(200)
    expect(await started.json()).toMatchObject({
      state: 'starting',
      source: { userId: 'hlsHost002', feed: 'camera' },
    })
    await expect
      .poll(async () => (await (await get(path, attendee)).json()).state, { timeout: 20_000 })
      .toBe('live')
    const stopped = await send('DELETE', path, hostToken)
    expect(await stopped.json()).toMatchObject({
      state: 'off',
      reason: 'The host stopped the broadcast.',
    })
    expect(runningFfmpeg()).toBe(0)
    expect(await ffmpegProcesses(dataDir)).toBe(0)
    await host.stop()
  })

  it('refuses strangers, other sessions and paths outside a broadcast', async () => {
    const path = `/broadcast/sessions/${SID}`
    const missing = await get(path)
    expect(missing.status).toBe(401)
    const unknownSession = await get(
      '/broadcast/sessions/hlsGone001',
      await accessToken({ sub: 'hlsGhost01', sid: 'hlsGone001', role: 'attendee' }),
    )
    expect(unknownSession.status).toBe(401)
    expect((await unknownSession.json()).detail).toMatch(/no longer exists/)
    const other = await signal.token({ sub: 'hlsView004', sid: OTHER_SID, role: 'attendee' })
    const otherSession = await get(path, other)
    expect(otherSession.status).toBe(403)
    expect((await otherSession.json()).detail).toMatch(/another session/)

    for (const file of [
      '/broadcast/hls/AAAAAAAAAAAAAAAAAAAAAA/index.m3u8',
      '/broadcast/hls/..%2F..%2F..%2Fetc/passwd',
      '/broadcast/hls/AAAAAAAAAAAAAAAAAAAAAA/..%2F..%2Ftoken-secret',
      '/broadcast/hls/AAAAAAAAAAAAAAAAAAAAAA/stream.sdp',
      '/broadcast/hls/AAAAAAAAAAAAAAAAAAAAAA/seg1.ts.tmp',
      '/broadcast/hls/short/index.m3u8',
    ]) {
      const answer = await get(file)
      expect(answer.status, file).toBe(404)
      expect(answer.headers.get('content-type'), file).toMatch(/application\/problem\+json/)
    }
  })

  it('stops every ffmpeg when the server closes mid-broadcast', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podium-hls-close-'))
    const own = await startSignal(
      { JANUS_URL: janus.url, JANUS_API_SECRET: janus.apiSecret, DATA_DIR: dir },
      { recheckMs: 10 * 60_000 },
    )
    try {
      const token = await own.token({ sub: 'hlsHost005', sid: 'hlsSess005', role: 'host' })
      const page = await browser.newPage()
      await publishFromPage(page, own.url, token)
      const path = '/broadcast/sessions/hlsSess005'
      const headers = { authorization: `Bearer ${token}` }
      await expect
        .poll(async () => (await fetch(`${own.url}${path}`, { method: 'POST', headers })).status, {
          timeout: 10_000,
        })
        .toBe(200)
      expect(await ffmpegProcesses(dir)).toBe(1)
      await own.close()
      expect(runningFfmpeg()).toBe(0)
      expect(await ffmpegProcesses(dir)).toBe(0)
      // Its folder went with it.
      expect(readdirSync(join(dir, 'broadcasts'))).toEqual([])
      await page.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
