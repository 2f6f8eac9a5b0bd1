/**
 * From the camera to an HLS viewer's screen: how far behind the stage the broadcast plays
 * (median of the frames a viewer shows, per run and overall):
 *
 *   node --import tsx signal-server/scripts/hls-latency.ts [--runs 3] [--seconds 20]
 *
 * Runs a real signal-server, Janus and ffmpeg on 127.0.0.1. The publisher is a headless
 * Chromium page whose camera is a canvas painting the page's clock as black and white
 * cells (signal-server/test/helpers/sfu-browser.ts); it publishes with the stage's three
 * simulcast layers. The host starts the broadcast; a viewer page plays the playlist with
 * hls.js and the client's settings, and reads the clock back from every frame it shows:
 * latency = the viewer's clock when the frame is shown − the clock painted in it (same
 * machine, same clock). It also prints hls.js's own view (now − the program date-time of
 * the playing position), which leaves out the way from the camera to ffmpeg.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { HLS_PLAYER_CONFIG } from '@podium/shared'
import { startJanus } from '../../test-support/janus.ts'
import { publishFromPage, stopPublishing } from '../../test-support/sfu-browser.ts'
import { launchVideoBrowser, median } from '../../test-support/video.ts'
import { startSignal } from '../test/helpers/signal.ts'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '20' },
  },
})
const RUNS = Number(values.runs)
const SECONDS = Number(values.seconds)
const hlsScript = createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js')

// tsx keeps function names with a helper the functions sent to the pages call.
const KEEP_NAMES = 'window.__name = (f) => f'

const dataDir = mkdtempSync(join(tmpdir(), 'podium-hls-latency-'))
const janus = await startJanus()
const signal = await startSignal({
  JANUS_URL: janus.url,
  JANUS_API_SECRET: janus.apiSecret,
  DATA_DIR: dataDir,
})
const browser = await launchVideoBrowser()

interface Run {
  frames: number
  glass: number
  pdt: number | null
  startMs: number
}

async function measure(run: number): Promise<Run> {
  const sid = `hlsLat${String(run).padStart(4, '0')}`
  const token = await signal.token({ sub: `hlsLatHost${run}`, sid, role: 'host' })
  const headers = { authorization: `Bearer ${token}` }
  const publisher = await browser.newPage()
  await publisher.addInitScript(KEEP_NAMES)
  await publishFromPage(publisher, signal.url, token, { audio: true, clock: true })
  const path = `/broadcast/sessions/${sid}`
  const asked = Date.now()
  // The feed is announced once its media flows: ask until it is there.
  for (let i = 0; ; i++) {
    const answer = await fetch(`${signal.url}${path}`, { method: 'POST', headers })
    if (answer.status === 200) break
    if (i > 40) throw new Error(`the broadcast did not start: ${await answer.text()}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  let playlist: string | null = null
  while (!playlist) {
    const status = (await (await fetch(`${signal.url}${path}`, { headers })).json()) as {
      state: string
      playlist: string | null
      reason: string | null
    }
    if (status.state === 'off') throw new Error(`the broadcast stopped: ${status.reason}`)
    playlist = status.playlist
    if (!playlist) await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const startMs = Date.now() - asked

  const viewer = await browser.newPage()
  await viewer.addInitScript(KEEP_NAMES)
  await viewer.goto(`${signal.url}/healthz`)
  await viewer.addScriptTag({ path: hlsScript })
  const result = await viewer.evaluate(
    async ({ url, config, seconds }) => {
      const video = document.createElement('video')
      video.muted = true
      document.body.append(video)
      const canvas = document.createElement('canvas')
      const Hls = (window as unknown as { Hls: new (c: object) => HlsLike }).Hls
      interface HlsLike {
        loadSource(url: string): void
        attachMedia(video: HTMLVideoElement): void
        playingDate: Date | null
        destroy(): void
      }
      const hls = new Hls(config)
      hls.loadSource(url)
      hls.attachMedia(video)
      await video.play().catch(() => undefined)
      const read = (): number | null => {
        if (!video.videoWidth) return null
        canvas.width = 640
        canvas.height = 360
        const g = canvas.getContext('2d', { willReadFrequently: true })
        if (!g) return null
        g.drawImage(video, 0, 0, 640, 360)
        const rows: number[] = []
        for (let row = 0; row < 2; row++) {
          let t = 0
          for (let bit = 0; bit < 24; bit++) {
            const x = 8 + (bit % 12) * 52 + 24
            const y = 20 + (row * 2 + Math.floor(bit / 12)) * 80 + 36
            const [r = 0, gr = 0, b = 0] = g.getImageData(x, y, 1, 1).data
            const light = (r + gr + b) / 3
            if (light > 90 && light < 166) return null
            t = t * 2 + (light >= 128 ? 1 : 0)
          }
          rows.push(t)
        }
        if (rows[0] !== rows[1]) return null
        const now = Math.floor(Date.now() / 10)
        let at = now - (now % 2 ** 24) + (rows[0] ?? 0)
        if (at > now) at -= 2 ** 24
        return at * 10
      }
      // Wait for the first frame, then sample every frame shown for `seconds`.
      const first = Date.now()
      while (!video.videoWidth && Date.now() - first < 30_000)
        await new Promise((resolve) => setTimeout(resolve, 100))
      const glass: number[] = []
      const pdt: number[] = []
      const until = Date.now() + seconds * 1000
      await new Promise<void>((resolve) => {
        const frame = () => {
          const painted = read()
          if (painted !== null) glass.push(Date.now() - painted)
          if (hls.playingDate) pdt.push(Date.now() - hls.playingDate.getTime())
          if (Date.now() > until) return resolve()
          video.requestVideoFrameCallback(frame)
        }
        video.requestVideoFrameCallback(frame)
      })
      hls.destroy()
      return { glass, pdt }
    },
    { url: `${signal.url}${playlist}`, config: HLS_PLAYER_CONFIG, seconds: SECONDS },
  )
  await fetch(`${signal.url}${path}`, { method: 'DELETE', headers })
  await viewer.close()
  await stopPublishing(publisher)
  await publisher.close()
  if (result.glass.length === 0) throw new Error('the viewer read no clock from the broadcast')
  return {
    frames: result.glass.length,
    glass: median(result.glass),
    pdt: result.pdt.length ? median(result.pdt) : null,
    startMs,
  }
}

try {
  const runs: Run[] = []
  for (let run = 1; run <= RUNS; run++) {
    const result = await measure(run)
    runs.push(result)
    console.info(
      `run ${run}: camera→viewer median ${Math.round(result.glass)} ms over ${result.frames} frames; ` +
        `behind program date-time ${result.pdt === null ? '–' : `${Math.round(result.pdt)} ms`}; ` +
        `start to first playlist ${result.startMs} ms`,
    )
  }
  console.info(
    `median of ${RUNS} runs: camera→viewer ${Math.round(median(runs.map((r) => r.glass)))} ms ` +
      `(${runs.map((r) => Math.round(r.glass)).join(', ')} ms); start to first playlist ` +
      `${Math.round(median(runs.map((r) => r.startMs)))} ms`,
  )
} finally {
  await browser.close()
  await signal.close()
  await janus.stop()
  rmSync(dataDir, { recursive: true, force: true })
}
