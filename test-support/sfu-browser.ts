import { SIMULCAST_LAYERS } from '@podium/shared'
import type { Page } from 'playwright-core'

/**
 * Publishes the fake camera from a Chromium page through the SFU proxy with three
 * simulcast layers, as the stage does; resolves once the proxy answered. The socket
 * stays open in the page (window.__sfu) until `stopPublishing`.
 */
export async function publishFromPage(
  page: Page,
  baseUrl: string,
  token: string,
  options: {
    audio?: boolean
    clock?: boolean
    /** The camera's size; at 640×360 (the default) Chromium sends only two layers. */
    size?: { width: number; height: number }
  } = {},
): Promise<void> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/sfu?token=${encodeURIComponent(token)}`
  // Cameras need a secure context: a page of 127.0.0.1 is one, about:blank is not.
  await page.goto(`${baseUrl}/healthz`)
  await page.evaluate(
    async ({ url, audio, clock, size, layers }) => {
      const ws = new WebSocket(url)
      const opened = new Promise((resolve, reject) => {
        ws.onopen = resolve
        ws.onerror = reject
      })
      const pc = new RTCPeerConnection()
      ;(window as unknown as { __sfu: unknown }).__sfu = { ws, pc }
      const stream = await navigator.mediaDevices.getUserMedia({
        video: size,
        audio,
      })
      if (clock) {
        // The camera shows this page's clock (10 ms units) as two rows of 24 black or
        // white cells, the same number twice, for a viewer to read back (readClock).
        const canvas = document.createElement('canvas')
        canvas.width = 640
        canvas.height = 360
        const g = canvas.getContext('2d')
        if (!g) throw new Error('no 2d canvas')
        const draw = () => {
          const t = Math.floor(Date.now() / 10) % 2 ** 24
          g.fillStyle = '#808080'
          g.fillRect(0, 0, 640, 360)
          for (let row = 0; row < 2; row++)
            for (let bit = 0; bit < 24; bit++) {
              g.fillStyle = (t >> (23 - bit)) & 1 ? '#ffffff' : '#000000'
              g.fillRect(8 + (bit % 12) * 52, 20 + (row * 2 + Math.floor(bit / 12)) * 80, 48, 72)
            }
        }
        draw()
        setInterval(draw, 20)
        const [painted] = canvas.captureStream(30).getVideoTracks()
        for (const old of stream.getVideoTracks()) stream.removeTrack(old)
        if (painted) stream.addTrack(painted)
      }
      const [track] = stream.getVideoTracks()
      if (!track) throw new Error('no fake camera')
      const [microphone] = stream.getAudioTracks()
      pc.addTransceiver(track, {
        direction: 'sendonly',
        sendEncodings: layers,
      })
      if (microphone) pc.addTransceiver(microphone, { direction: 'sendonly' })
      pc.onicecandidate = (e) =>
        opened.then(() =>
          ws.send(
            JSON.stringify({
              type: 'candidate',
              target: 'publish:camera',
              candidate: e.candidate?.toJSON() ?? null,
            }),
          ),
        )
      await opened
      const offer = await pc.createOffer()
      await pc.setLocalDescription(offer)
      const answer = await new Promise<string>((resolve, reject) => {
        const seen: string[] = []
        setTimeout(
          () => reject(new Error(`no answer from the SFU proxy; got ${seen.join(', ')}`)),
          10_000,
        )
        ws.onmessage = (event) => {
          seen.push(String(event.data).slice(0, 200))
          const message = JSON.parse(event.data as string) as {
            type: string
            sdp?: string
            message?: string
          }
          if (message.type === 'published') resolve(message.sdp ?? '')
          if (message.type === 'error') reject(new Error(message.message))
        }
        ws.send(JSON.stringify({ type: 'publish', feed: 'camera', sdp: offer.sdp }))
      })
      await pc.setRemoteDescription({ type: 'answer', sdp: answer })
    },
    {
      url,
      audio: options.audio ?? false,
      clock: options.clock ?? false,
      size: options.size ?? { width: 640, height: 360 },
      layers: SIMULCAST_LAYERS.map((layer) => ({ ...layer })),
    },
  )
}

export async function stopPublishing(page: Page): Promise<void> {
  await page.evaluate(() => {
    const sfu = (window as unknown as { __sfu?: { ws: WebSocket; pc: RTCPeerConnection } }).__sfu
    sfu?.pc.close()
    sfu?.ws.close()
  })
}

interface PageViewer {
  ws: WebSocket
  pc: RTCPeerConnection
  subscription: string
  /** What the proxy sent after the subscription started, in order. */
  messages: { type: string; [key: string]: unknown }[]
}

/**
 * Subscribes a Chromium page to a feed through the SFU proxy, as the stage's viewer does
 * (receive only, the video shown in a <video>); resolves once the proxy has started it.
 * The socket stays open in the page (window.__sfuView). `iceServers` and a relay-only
 * policy put the page's media through TURN.
 */
export async function watchFromPage(
  page: Page,
  baseUrl: string,
  token: string,
  target: { sessionId: string; userId: string },
  options: { iceServers?: RTCIceServer[]; relayOnly?: boolean } = {},
): Promise<void> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/sfu?token=${encodeURIComponent(token)}`
  await page.goto(`${baseUrl}/healthz`)
  await page.evaluate(
    async ({ url, target, iceServers, relayOnly }) => {
      const ws = new WebSocket(url)
      const messages: { type: string; [key: string]: unknown }[] = []
      const waiters = new Set<() => void>()
      ws.onmessage = (event) => {
        messages.push(JSON.parse(event.data as string) as { type: string })
        for (const wake of [...waiters]) wake()
      }
      const next = (type: string) =>
        new Promise<{ type: string; [key: string]: unknown }>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no ${type} from the SFU proxy`)), 15_000)
          const look = () => {
            const error = messages.find((m) => m.type === 'error')
            if (error) reject(new Error(String(error.message)))
            const index = messages.findIndex((m) => m.type === type)
            if (index < 0) return
            const [found] = messages.splice(index, 1)
            waiters.delete(look)
            clearTimeout(timer)
            if (found) resolve(found)
          }
          waiters.add(look)
          look()
        })
      await next('feeds')
      ws.send(JSON.stringify({ type: 'subscribe', feed: 'camera', ...target }))
      const offer = await next('offer')
      const subscription = String(offer.subscription)
      const pc = new RTCPeerConnection({
        iceServers,
        iceTransportPolicy: relayOnly ? 'relay' : 'all',
      })
      const video = document.createElement('video')
      video.muted = true
      video.autoplay = true
      document.body.append(video)
      pc.ontrack = (event) => {
        if (event.track.kind === 'video') video.srcObject = new MediaStream([event.track])
      }
      pc.onicecandidate = (event) =>
        ws.send(
          JSON.stringify({
            type: 'candidate',
            target: subscription,
            candidate: event.candidate?.toJSON() ?? null,
          }),
        )
      await pc.setRemoteDescription({ type: 'offer', sdp: String(offer.sdp) })
      const answer = await pc.createAnswer()
      await pc.setLocalDescription(answer)
      ws.send(JSON.stringify({ type: 'answer', subscription, sdp: answer.sdp }))
      await next('started')
      ;(window as unknown as { __sfuView: PageViewer }).__sfuView = {
        ws,
        pc,
        subscription,
        messages,
      }
    },
    { url, target, iceServers: options.iceServers ?? [], relayOnly: options.relayOnly ?? false },
  )
}

/** Asks the SFU for a simulcast layer (0 lowest) for the page's subscription. */
export async function askLayer(page: Page, substream: 0 | 1 | 2): Promise<void> {
  await page.evaluate((substream) => {
    const { ws, subscription } = (window as unknown as { __sfuView: PageViewer }).__sfuView
    ws.send(JSON.stringify({ type: 'substream', subscription, substream }))
  }, substream)
}

/** The layers the proxy said Janus forwards to the page's subscription, in order. */
export async function forwardedLayers(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const { messages, subscription } = (window as unknown as { __sfuView: PageViewer }).__sfuView
    return messages
      .filter((m) => m.type === 'forwarding' && m.subscription === subscription)
      .map((m) => Number(m.substream))
  })
}

/** The width of the frames the page decodes now (its inbound video), 0 before any. */
export async function decodedWidth(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const { pc } = (window as unknown as { __sfuView: PageViewer }).__sfuView
    const report = await pc.getStats()
    let width = 0
    for (const stats of report.values())
      if (stats.type === 'inbound-rtp' && stats.kind === 'video') width = stats.frameWidth ?? 0
    return width
  })
}

export interface SentLayer {
  frames: number
  width: number
  keyframes: number
  /** Keyframe requests (RTCP PLI) received for this layer. */
  plis: number
}

/** What the publishing page sends per simulcast layer (by rid), so far. */
export async function sentLayers(page: Page): Promise<Record<string, SentLayer>> {
  return page.evaluate(async () => {
    const { pc } = (window as unknown as { __sfu: { pc: RTCPeerConnection } }).__sfu
    const layers: Record<string, SentLayer> = {}
    for (const stats of (await pc.getStats()).values())
      if (stats.type === 'outbound-rtp' && stats.kind === 'video' && stats.rid)
        layers[stats.rid] = {
          frames: stats.framesSent ?? 0,
          width: stats.frameWidth ?? 0,
          keyframes: stats.keyFramesEncoded ?? 0,
          plis: stats.pliCount ?? 0,
        }
    return layers
  })
}
