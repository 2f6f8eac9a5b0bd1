/**
 * How many viewers can one presenter serve over a mesh from this machine?
 *
 *   npm run bench:mesh -- [--max 16] [--steps 1,2,4,6,8,10,12,16] [--seconds 8]
 *
 * One headless Chromium with a fake camera: a presenter page sends the stage's camera
 * (the same capture constraints and top encoding rung as the client) to N viewer pages,
 * one RTCPeerConnection and one encoder per viewer, as the stage does; viewers decode
 * into <video> elements. For each N it measures, over a window, the presenter's encoded
 * frame rate, bitrate and quality limitation per viewer, the viewers' decoded frame
 * rate, and the CPU the browser used. Everything runs on 127.0.0.1 and stops at `--max`
 * viewers or once the picture has fallen apart twice.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { CAMERA_CONSTRAINTS, LADDERS } from '@podium/shared'
import { chromium, type Page } from 'playwright-core'
import { findChromium } from '../test-support/browser.ts'
import { median, VIDEO_ARGS } from '../test-support/video.ts'

const { values } = parseArgs({
  options: {
    max: { type: 'string', default: '16' },
    steps: { type: 'string', default: '1,2,4,6,8,10,12,16' },
    seconds: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '10' },
    /** `pattern`: Chrome's built-in test pattern (compresses to almost nothing). */
    source: { type: 'string', default: 'noisy' },
  },
})
const MAX = Number(values.max)
const STEPS = values.steps
  .split(',')
  .map(Number)
  .filter((n) => n > 0 && n <= MAX)
const WINDOW_S = Number(values.seconds)
const WARMUP_S = Number(values.warmup)
const TOP = LADDERS.camera[0]!

/** The picture has fallen apart when viewers get under 80 % of the source frame rate, or half the bitrate one viewer gets. */
const FPS_FLOOR = 0.8
const BITRATE_FLOOR = 0.5

/**
 * A camera-like source: Chrome's own fake pattern is so simple that the encoder never
 * needs more than a few hundred kbit/s, which would flatter the mesh. This one moves
 * and carries sensor-like noise, so the encoder spends its whole budget as on a real
 * camera. YUV 4:2:0, 960x540, 20 fps, a two-second loop, written once to the temp folder.
 */
function noisyCameraFile(): string {
  const [w, h, fps, frames] = [960, 540, 20, 40]
  const file = join(tmpdir(), `podium-mesh-source-${w}x${h}-n9.y4m`)
  if (existsSync(file)) return file
  const parts: Buffer[] = [Buffer.from(`YUV4MPEG2 W${w} H${h} F${fps}:1 Ip A1:1 C420jpeg\n`)]
  let seed = 42
  const noise = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return (seed >> 16) % 9
  }
  for (let f = 0; f < frames; f++) {
    const y = Buffer.alloc(w * h)
    const boxX = Math.round(((w - 200) * f) / frames)
    for (let row = 0; row < h; row++) {
      for (let col = 0; col < w; col++) {
        const base = 60 + ((col + row + f * 8) % 256) / 2
        const box = col >= boxX && col < boxX + 200 && row > 170 && row < 370 ? 70 : 0
        y[row * w + col] = Math.min(255, base + box + noise())
      }
    }
    const u = Buffer.alloc((w / 2) * (h / 2), 118 + (f % 10))
    const v = Buffer.alloc((w / 2) * (h / 2), 138 - (f % 10))
    parts.push(Buffer.from('FRAME\n'), y, u, v)
  }
  writeFileSync(file, Buffer.concat(parts))
  return file
}

const page = '<!doctype html><meta charset="utf-8"><title>mesh</title><body></body>'
const http = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(page))
await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`

const args =
  values.source === 'pattern'
    ? VIDEO_ARGS
    : [...VIDEO_ARGS, `--use-file-for-fake-video-capture=${noisyCameraFile()}`]
const browser = await chromium.launch({ executablePath: findChromium(), headless: true, args })

/** CPU seconds used so far by every process started under this script (the browser's). */
function browserCpuSeconds(): number {
  const tick = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100
  const parents = new Map<number, number>()
  const times = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')
      parents.set(Number(entry), Number(fields[1]))
      times.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / tick)
    } catch {
      // the process ended meanwhile
    }
  }
  const under = (pid: number): boolean => {
    let current = parents.get(pid)
    for (let depth = 0; current !== undefined && current > 1 && depth < 8; depth++) {
      if (current === process.pid) return true
      current = parents.get(current)
    }
    return false
  }
  let total = 0
  for (const [pid, seconds] of times) if (under(pid)) total += seconds
  return total
}

const presenterContext = await browser.newContext()
const presenter = await presenterContext.newPage()
await presenter.goto(origin)
await presenter.evaluate(async (constraints) => {
  const w = window as unknown as { camera: MediaStream; pcs: RTCPeerConnection[] }
  w.camera = await navigator.mediaDevices.getUserMedia({ video: constraints, audio: true })
  w.pcs = []
}, CAMERA_CONSTRAINTS)
const source = await presenter.evaluate(() => {
  const settings = (window as unknown as { camera: MediaStream }).camera
    .getVideoTracks()[0]!
    .getSettings()
  return { width: settings.width ?? 0, height: settings.height ?? 0, fps: settings.frameRate ?? 0 }
})

const viewers: Page[] = []

/** One more viewer: offer from the presenter (camera + microphone, top rung), answer from the viewer. */
async function addViewer(): Promise<void> {
  const context = await browser.newContext()
  const viewer = await context.newPage()
  await viewer.goto(origin)
  const offer = await presenter.evaluate(async (rung) => {
    const w = window as unknown as { camera: MediaStream; pcs: RTCPeerConnection[] }
    const pc = new RTCPeerConnection()
    for (const track of w.camera.getTracks()) pc.addTrack(track, w.camera)
    w.pcs.push(pc)
    const video = pc.getSenders().find((s) => s.track?.kind === 'video')!
    await pc.setLocalDescription(await pc.createOffer())
    await new Promise<void>((resolve) => {
      if (pc.iceGatheringState === 'complete') resolve()
      pc.addEventListener(
        'icegatheringstatechange',
        () => pc.iceGatheringState === 'complete' && resolve(),
      )
    })
    ;(pc as unknown as { applyRung: () => Promise<void> }).applyRung = async () => {
      const parameters = video.getParameters()
      parameters.encodings[0] = { ...parameters.encodings[0], ...rung }
      await video.setParameters(parameters)
    }
    return pc.localDescription!.toJSON()
  }, TOP)
  const answer = await viewer.evaluate(async (description) => {
    const pc = new RTCPeerConnection()
    ;(window as unknown as { pc: RTCPeerConnection }).pc = pc
    pc.addEventListener('track', (event) => {
      if (event.track.kind !== 'video') return
      const video = document.createElement('video')
      video.muted = true
      video.autoplay = true
      video.playsInline = true
      video.srcObject = event.streams[0] ?? new MediaStream([event.track])
      document.body.append(video)
      void video.play()
    })
    await pc.setRemoteDescription(description)
    await pc.setLocalDescription(await pc.createAnswer())
    await new Promise<void>((resolve) => {
      if (pc.iceGatheringState === 'complete') resolve()
      pc.addEventListener(
        'icegatheringstatechange',
        () => pc.iceGatheringState === 'complete' && resolve(),
      )
    })
    return pc.localDescription!.toJSON()
  }, offer)
  await presenter.evaluate(async (description) => {
    const w = window as unknown as {
      pcs: Array<RTCPeerConnection & { applyRung: () => Promise<void> }>
    }
    const pc = w.pcs.at(-1)!
    await pc.setRemoteDescription(description)
    await new Promise<void>((resolve) => {
      if (pc.connectionState === 'connected') resolve()
      pc.addEventListener(
        'connectionstatechange',
        () => pc.connectionState === 'connected' && resolve(),
      )
    })
    await pc.applyRung()
  }, answer)
  viewers.push(viewer)
}

interface Counters {
  sent: Array<{ bytes: number; frames: number; at: number; limit: string; width: number }>
  received: Array<{ bytes: number; frames: number; at: number; freezes: number }>
}

async function counters(): Promise<Counters> {
  const sent = await presenter.evaluate(async () => {
    const pcs = (window as unknown as { pcs: RTCPeerConnection[] }).pcs
    return Promise.all(
      pcs.map(async (pc) => {
        const out = [...(await pc.getStats()).values()].find(
          (s) => s.type === 'outbound-rtp' && s.kind === 'video',
        )
        return {
          bytes: out?.bytesSent ?? 0,
          frames: out?.framesEncoded ?? 0,
          at: out?.timestamp ?? 0,
          limit: out?.qualityLimitationReason ?? 'none',
          width: out?.frameWidth ?? 0,
        }
      }),
    )
  })
  const received = await Promise.all(
    viewers.map((viewer) =>
      viewer.evaluate(async () => {
        const pc = (window as unknown as { pc: RTCPeerConnection }).pc
        const inbound = [...(await pc.getStats()).values()].find(
          (s) => s.type === 'inbound-rtp' && s.kind === 'video',
        )
        return {
          bytes: inbound?.bytesReceived ?? 0,
          frames: inbound?.framesDecoded ?? 0,
          at: inbound?.timestamp ?? 0,
          freezes: inbound?.freezeCount ?? 0,
        }
      }),
    ),
  )
  return { sent, received }
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits

interface Row {
  viewers: number
  encodeFps: number
  sendKbps: number
  sentWidth: number
  cpuLimited: number
  viewerFpsMedian: number
  viewerFpsMin: number
  viewerKbpsMedian: number
  freezes: number
  browserCores: number
  ok: boolean
}

const rows: Row[] = []
let failures = 0
/** What one viewer gets: the reference the larger audiences are held to. */
let baselineKbps: number | null = null
console.log(`load average before: ${readFileSync('/proc/loadavg', 'utf8').trim()}`)
console.log(
  `source: fake camera ${source.width}x${source.height} @ ${source.fps} fps; top rung ${TOP.maxBitrate / 1000} kbit/s; machine: ${execFileSync('nproc').toString().trim()} cores`,
)
for (const step of STEPS) {
  while (viewers.length < step) await addViewer()
  await presenter.waitForTimeout(WARMUP_S * 1000)
  const before = await counters()
  const cpuBefore = browserCpuSeconds()
  const started = Date.now()
  await presenter.waitForTimeout(WINDOW_S * 1000)
  const after = await counters()
  const cores = (browserCpuSeconds() - cpuBefore) / ((Date.now() - started) / 1000)
  /** Change per second of a counter between two samples taken at `at` (ms). */
  const perSecond = (a: { at: number }, b: { at: number }, na: number, nb: number) =>
    (nb - na) / Math.max(0.001, (b.at - a.at) / 1000)
  const encodeFps = after.sent.map((s, i) =>
    perSecond(before.sent[i]!, s, before.sent[i]!.frames, s.frames),
  )
  const sendKbps = after.sent.map(
    (s, i) => (perSecond(before.sent[i]!, s, before.sent[i]!.bytes, s.bytes) * 8) / 1000,
  )
  const viewerFps = after.received.map((r, i) =>
    perSecond(before.received[i]!, r, before.received[i]!.frames, r.frames),
  )
  const viewerKbps = after.received.map(
    (r, i) => (perSecond(before.received[i]!, r, before.received[i]!.bytes, r.bytes) * 8) / 1000,
  )
  const freezes = after.received.reduce(
    (sum, r, i) => sum + r.freezes - before.received[i]!.freezes,
    0,
  )
  const fpsOk =
    median(viewerFps) >= FPS_FLOOR * source.fps && Math.min(...viewerFps) >= 0.5 * source.fps
  baselineKbps ??= median(viewerKbps)
  const bitrateOk = median(viewerKbps) >= BITRATE_FLOOR * baselineKbps
  const row: Row = {
    viewers: step,
    encodeFps: round(median(encodeFps)),
    sendKbps: round(median(sendKbps), 0),
    sentWidth: median(after.sent.map((s) => s.width)),
    cpuLimited: after.sent.filter((s) => s.limit === 'cpu').length,
    viewerFpsMedian: round(median(viewerFps)),
    viewerFpsMin: round(Math.min(...viewerFps)),
    viewerKbpsMedian: round(median(viewerKbps), 0),
    freezes,
    browserCores: round(cores, 2),
    ok: fpsOk && bitrateOk,
  }
  rows.push(row)
  console.log(JSON.stringify(row))
  if (!row.ok && ++failures >= 2) break
}

await browser.close()
http.close()

const served = rows.filter((r) => r.ok).map((r) => r.viewers)
const limit = served.length > 0 ? Math.max(...served) : 0
console.log(
  '\n| viewers | encode fps | send kbit/s | sent width | cpu-limited senders | viewer fps (median / min) | viewer kbit/s | freezes | browser cores | holds |',
)
console.log('|---|---|---|---|---|---|---|---|---|---|')
for (const r of rows) {
  console.log(
    `| ${r.viewers} | ${r.encodeFps} | ${r.sendKbps} | ${r.sentWidth} | ${r.cpuLimited}/${r.viewers} | ${r.viewerFpsMedian} / ${r.viewerFpsMin} | ${r.viewerKbpsMedian} | ${r.freezes} | ${r.browserCores} | ${r.ok ? 'yes' : 'no'} |`,
  )
}
console.log(
  `\nLargest audience that held (viewers ≥ ${FPS_FLOOR * 100} % of ${source.fps} fps and ≥ ${BITRATE_FLOOR * 100} % of one viewer's ${Math.round(baselineKbps ?? 0)} kbit/s): ${limit}`,
)
