/**
 * How many viewers can one presenter's camera have through the SFU (Janus) on this machine?
 *
 *   npm run bench:sfu -- [--steps 10,25,50,100,150,200] [--max 200] [--seconds 10]
 *                        [--warmup 5] [--substream 2] [--budget 1200]
 *
 * Podium (sync-server with signaling mounted, as `npm start` runs it) and a real Janus on
 * 127.0.0.1. A session is made over the API and goes live; an invited presenter publishes
 * Chromium's fake camera through `/sfu` with the stage's three simulcast layers. Viewers
 * join the session over the API (each its own token) and subscribe through the same proxy,
 * but receive with werift PeerConnections in this process and count RTP without decoding.
 * For each audience size it measures, per viewer over a window, the video bitrate, the
 * frame rate (marker bits) and the loss (sequence numbers that never came), and Janus's
 * CPU (/proc/<pid>/stat) and memory; once, from "publish" to the first video RTP at a
 * viewer. It stops at `--max`, at the first step that falls apart, or after `--budget`
 * seconds, and stops Janus and Chromium. Results: bench/results/<date>-sfu.{json,md}.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { SIMULCAST_LAYERS, Substream } from '@podium/shared'
import { signalingOptions } from '@podium/sync-server'
import type { Browser, Page } from 'playwright-core'
import { acceptedInvite, createSession, join as joinSession } from '../test-support/api.ts'
import { type Janus, startJanus } from '../test-support/janus.ts'
import { request, startPodium, type TestPodium } from '../test-support/podium.ts'
import { publishFromPage } from '../test-support/sfu-browser.ts'
import { launchVideoBrowser, median } from '../test-support/video.ts'
import { describeMachine } from './src/report/machine.ts'
import { machineTicks, processCpuSeconds, processRssMib } from './src/sfu/proc-usage.ts'
import { type RtpSnapshot, rtpWindow } from './src/sfu/rtp-tally.ts'
import { Subscriber } from './src/sfu/subscriber.ts'

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '10,25,50,100,150,200' },
    max: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '5' },
    /** The simulcast layer every viewer takes: h, m or l (SIMULCAST_LAYERS). */
    layer: { type: 'string', default: 'h' },
    /** Seconds the whole run may take before it stops itself. */
    budget: { type: 'string', default: '1200' },
  },
})
const MAX = Number(values.max)
const STEPS = values.steps
  .split(',')
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0 && n <= MAX)
const WINDOW_S = Number(values.seconds)
const WARMUP_S = Number(values.warmup)
const layerIndex = SIMULCAST_LAYERS.findIndex((l) => l.rid === values.layer)
if (layerIndex < 0)
  throw new Error(`--layer is one of ${SIMULCAST_LAYERS.map((l) => l.rid).join(', ')}`)
const LAYER = SIMULCAST_LAYERS[layerIndex]!
/** Viewers joining at once while an audience grows. */
const JOIN_BATCH = 10

/** A step falls apart when viewers get under 80 % of the layer's frame rate, lose over 2 %, or some never start. */
const FPS_FLOOR = 0.8
const LOSS_CEILING = 0.02

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

let janus: Janus | undefined
let podium: TestPodium | undefined
let browser: Browser | undefined
const viewers: Subscriber[] = []

async function cleanUp(): Promise<void> {
  await Promise.allSettled(viewers.map((v) => v.close()))
  await browser?.close().catch(() => undefined)
  await podium?.close().catch(() => undefined)
  await janus?.stop().catch(() => undefined)
}

const budget = setTimeout(() => {
  console.error(`the run passed its budget of ${values.budget} s; stopping`)
  void cleanUp().finally(() => process.exit(1))
}, Number(values.budget) * 1000)
budget.unref()
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void cleanUp().finally(() => process.exit(130)))

const loadBefore = readFileSync('/proc/loadavg', 'utf8').trim()
const machine = describeMachine(
  'Janus, Podium, Chromium (presenter) and the werift viewers share every core',
)
console.log(`load average before: ${loadBefore}`)

interface Sent {
  rid: string
  frames: number
  bytes: number
  width: number
  at: number
  limit: string
}

interface Row {
  viewers: number
  started: number
  joinSeconds: number
  layerFps: number
  layerKbps: number
  layerWidth: number
  /** Width of the last keyframe a viewer received (median): the layer that comes. */
  widthMedian: number
  fpsMedian: number
  fpsMin: number
  kbpsMedian: number
  kbpsMin: number
  lossMedianPct: number
  lossMaxPct: number
  janusCpuPct: number
  janusCpuPctPerViewer: number
  janusRssMib: number
  viewerProcessCores: number
  machineBusyPct: number
  loadAverage: number
  ok: boolean
  problem: string | null
  note: string | null
}

interface FirstVideo {
  publishAnsweredMs: number
  feedAnnouncedMs: number | null
  subscriptionStartedMs: number | null
  firstRtpMs: number | null
}

async function measure(): Promise<{
  firstVideo: FirstVideo
  rows: Row[]
  failures: string[]
  substream: Substream
}> {
  janus = await startJanus()
  podium = await startPodium(
    {
      JANUS_URL: janus.url,
      JANUS_API_SECRET: janus.apiSecret,
      // The cap under test must not cut the audience short.
      SFU_MAX_VIEWERS: '100000',
      RATE_LIMIT_JOIN_PER_MINUTE: '100000',
    },
    signalingOptions(),
  )
  browser = await launchVideoBrowser()
  const url = podium.url

  const session = await createSession(url, { title: 'SFU benchmark' })
  const live = await request(`${url}/api/sessions/${session.id}/status`, {
    token: session.hostToken,
    body: { status: 'live' },
  })
  if (live.status !== 200) throw new Error(`the session did not go live: ${live.status}`)
  const presenter = await acceptedInvite(url, session, 'presenter', 'Presenter')

  /** A viewer of the session, joined over the API as the room page joins. */
  async function newViewer(): Promise<Subscriber> {
    const joined = await joinSession(url, session.code, `Viewer ${viewers.length + 1}`)
    const viewer = Subscriber.open(url, joined.token)
    viewers.push(viewer)
    return viewer
  }

  // Once: a viewer already in the room when the presenter publishes.
  const first = await newViewer()
  const watching = first.subscribe(session.id, presenter.userId, null, 60_000)
  const page: Page = await browser.newPage()
  const publishAt = Date.now()
  await publishFromPage(page, url, presenter.token, { size: { width: 960, height: 540 } })
  const answeredAt = Date.now()
  await watching
  while (first.timeline.firstRtp === null && Date.now() - publishAt < 30_000) await sleep(10)
  if (first.timeline.firstRtp === null) throw new Error('no video RTP reached the first viewer')
  const since = (at: number | null) => (at === null ? null : at - publishAt)
  const firstVideo = {
    publishAnsweredMs: answeredAt - publishAt,
    feedAnnouncedMs: since(first.timeline.announced),
    subscriptionStartedMs: since(first.timeline.started),
    firstRtpMs: since(first.timeline.firstRtp),
  }
  console.log(`publish → first video RTP at a viewer: ${JSON.stringify(firstVideo)}`)

  /** The presenter's simulcast layers as Chromium reports them. */
  function sentLayers(): Promise<Sent[]> {
    return page.evaluate(async () => {
      const pc = (window as unknown as { __sfu: { pc: RTCPeerConnection } }).__sfu.pc
      return [...(await pc.getStats()).values()]
        .filter((s) => s.type === 'outbound-rtp' && s.kind === 'video')
        .map((s) => ({
          rid: String(s.rid ?? ''),
          frames: Number(s.framesEncoded ?? 0),
          bytes: Number(s.bytesSent ?? 0),
          width: Number(s.frameWidth ?? 0),
          at: Number(s.timestamp ?? 0),
          limit: String(s.qualityLimitationReason ?? 'none'),
        }))
    })
  }

  // The proxy tells Janus the rids come lowest first (rid_order lmh), so substream n is
  // layer n. Each row checks it: the width of the keyframes viewers receive against the layer's.
  const SUBSTREAM = Substream.parse(layerIndex)
  const allLayers = Date.now()
  for (;;) {
    const layers = await sentLayers()
    if (layers.filter((l) => l.frames > 0).length === SIMULCAST_LAYERS.length) break
    if (Date.now() - allLayers > 60_000)
      throw new Error(`the presenter does not send all three layers: ${JSON.stringify(layers)}`)
    await sleep(500)
  }
  // Every measured viewer takes its layer as it joins (a switch later waits for a keyframe).
  await first.close()
  viewers.splice(viewers.indexOf(first), 1)

  const rows: Row[] = []
  let baselineFps: number | null = null
  const failures: string[] = []
  for (const step of STEPS) {
    const joinStarted = Date.now()
    while (viewers.length < step) {
      const batch = Math.min(JOIN_BATCH, step - viewers.length)
      const joining = await Promise.all(Array.from({ length: batch }, () => newViewer()))
      const results = await Promise.allSettled(
        joining.map((v) => v.subscribe(session.id, presenter.userId, SUBSTREAM)),
      )
      for (const r of results)
        if (r.status === 'rejected') failures.push(String((r.reason as Error).message ?? r.reason))
    }
    const joinSeconds = (Date.now() - joinStarted) / 1000
    await sleep(WARMUP_S * 1000)

    const before = viewers.map((v) => v.video.snapshot())
    const sentBefore = await sentLayers()
    const janusBefore = processCpuSeconds(janus.pid)
    const ownBefore = process.cpuUsage()
    const machineBefore = machineTicks()
    const started = Date.now()
    await sleep(WINDOW_S * 1000)
    const seconds = (Date.now() - started) / 1000
    const after: RtpSnapshot[] = viewers.map((v) => v.video.snapshot())
    const sentAfter = await sentLayers()
    const janusCpu = (processCpuSeconds(janus.pid) - janusBefore) / seconds
    const own = process.cpuUsage(ownBefore)
    const machineAfter = machineTicks()

    const windows = viewers.map((_, i) => rtpWindow(before[i]!, after[i]!, seconds))
    const layerBefore = sentBefore.find((s) => s.rid === LAYER.rid)
    const layerAfter = sentAfter.find((s) => s.rid === LAYER.rid)
    const layerSeconds = layerBefore && layerAfter ? (layerAfter.at - layerBefore.at) / 1000 : 0
    const layerFps =
      layerBefore && layerAfter && layerSeconds > 0
        ? (layerAfter.frames - layerBefore.frames) / layerSeconds
        : 0
    const layerKbps =
      layerBefore && layerAfter && layerSeconds > 0
        ? ((layerAfter.bytes - layerBefore.bytes) * 8) / 1000 / layerSeconds
        : 0
    const fps = windows.map((w) => w.fps)
    const kbps = windows.map((w) => w.kbps)
    const loss = windows.map((w) => w.loss)
    const widths = viewers.map((v) => v.width)
    const startedCount = viewers.filter((v) => v.timeline.started !== null).length
    const problems: string[] = []
    if (startedCount < step) problems.push(`${step - startedCount} viewers never started`)
    // Held to the first step: a presenter starved of CPU sends fewer frames to everyone.
    baselineFps ??= layerFps
    if (median(fps) < FPS_FLOOR * baselineFps)
      problems.push(
        `median ${round(median(fps))} fps < ${FPS_FLOOR * 100} % of the first step's ${round(baselineFps)}`,
      )
    // Noted, not failed: under load Chromium may scale a layer down between keyframes.
    const note =
      layerAfter && median(widths) !== layerAfter.width
        ? `viewers' last keyframe is ${median(widths)} px wide, the layer now ${layerAfter.width}`
        : null
    if (median(loss) > LOSS_CEILING) problems.push(`median loss ${round(median(loss) * 100, 2)} %`)
    const row: Row = {
      viewers: step,
      started: startedCount,
      joinSeconds: round(joinSeconds),
      layerFps: round(layerFps),
      layerKbps: round(layerKbps, 0),
      layerWidth: layerAfter?.width ?? 0,
      widthMedian: median(widths),
      fpsMedian: round(median(fps)),
      fpsMin: round(Math.min(...fps)),
      kbpsMedian: round(median(kbps), 0),
      kbpsMin: round(Math.min(...kbps), 0),
      lossMedianPct: round(median(loss) * 100, 2),
      lossMaxPct: round(Math.max(...loss) * 100, 2),
      janusCpuPct: round(janusCpu * 100),
      janusCpuPctPerViewer: round((janusCpu * 100) / step, 2),
      janusRssMib: round(processRssMib(janus.pid)),
      viewerProcessCores: round((own.user + own.system) / 1e6 / seconds, 2),
      machineBusyPct: round(
        ((machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total)) *
          100,
      ),
      loadAverage: round(loadavg()[0] ?? 0, 2),
      ok: problems.length === 0,
      problem: problems.length > 0 ? problems.join('; ') : null,
      note,
    }
    rows.push(row)
    console.log(JSON.stringify(row))
    if (!row.ok) break
  }
  return { firstVideo, rows, failures, substream: SUBSTREAM }
}

let measured: Awaited<ReturnType<typeof measure>>
try {
  measured = await measure()
} finally {
  clearTimeout(budget)
  await cleanUp()
}
const { firstVideo, rows, failures, substream: SUBSTREAM } = measured

const held = rows.filter((r) => r.ok).map((r) => r.viewers)
const largest = held.length > 0 ? Math.max(...held) : 0
const date = new Date().toISOString().slice(0, 10)
const header = [
  '| viewers | started | layer sent (fps / kbit/s / width) | width received | viewer fps (median / min) | viewer kbit/s (median / min) | loss % (median / max) | Janus CPU % | per viewer % | Janus RSS MiB | werift process cores | machine busy % | holds |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
]
const table = [
  ...header,
  ...rows.map(
    (r) =>
      `| ${r.viewers} | ${r.started} | ${r.layerFps} / ${r.layerKbps} / ${r.layerWidth} | ${r.widthMedian} | ${r.fpsMedian} / ${r.fpsMin} | ${r.kbpsMedian} / ${r.kbpsMin} | ${r.lossMedianPct} / ${r.lossMaxPct} | ${r.janusCpuPct} | ${r.janusCpuPctPerViewer} | ${r.janusRssMib} | ${r.viewerProcessCores} | ${r.machineBusyPct} | ${r.ok ? 'yes' : `no: ${r.problem}`} |`,
  ),
].join('\n')
const summary = `Largest audience that held (viewers ≥ ${FPS_FLOOR * 100} % of the layer's frame rate, median loss ≤ ${LOSS_CEILING * 100} %): ${largest}`
const firstLine = `Publish → first video RTP at a viewer already in the room: ${firstVideo.firstRtpMs} ms (answer ${firstVideo.publishAnsweredMs} ms, feed announced ${firstVideo.feedAnnouncedMs} ms, subscription started ${firstVideo.subscriptionStartedMs} ms).`

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results')
mkdirSync(resultsDir, { recursive: true })
const result = {
  scenario: 'sfu',
  date: new Date().toISOString(),
  command: `npm run bench:sfu -- ${process.argv.slice(2).join(' ')}`.trim(),
  machine,
  loadAverageBefore: loadBefore,
  loadAverageAfter: readFileSync('/proc/loadavg', 'utf8').trim(),
  layer: { substream: SUBSTREAM, ...LAYER },
  windowSeconds: WINDOW_S,
  warmupSeconds: WARMUP_S,
  criteria: { fpsFloor: FPS_FLOOR, lossCeiling: LOSS_CEILING },
  firstVideo,
  rows,
  largestThatHeld: largest,
  failures: failures.slice(0, 20),
}
const jsonFile = join(resultsDir, `${date}-sfu.json`)
writeFileSync(jsonFile, `${JSON.stringify(result, null, 2)}\n`)
const mdFile = join(resultsDir, `${date}-sfu.md`)
writeFileSync(
  mdFile,
  `# SFU: viewers of one camera through Janus (${date})\n\n\`${result.command}\` — ${machine.cores} cores (${machine.cpuModel}), load average before: ${loadBefore}. Layer ${LAYER.rid} (substream ${SUBSTREAM}), ${WINDOW_S} s windows after ${WARMUP_S} s warm-up.\n\n${table}\n\n${summary}\n\n${firstLine}\n`,
)
console.log(`\n${table}\n\n${summary}\n${firstLine}\nwritten: ${jsonFile}, ${mdFile}`)
// werift keeps timers of closed connections alive: the run ends here.
process.exit(0)
