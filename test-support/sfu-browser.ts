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
    /** The camera's constraints; by default 640x360, which Chromium sends as two layers. */
    video?: MediaTrackConstraints
  } = {},
): Promise<void> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/sfu?token=${encodeURIComponent(token)}`
  // Cameras need a secure context: a page of 127.0.0.1 is one, about:blank is not.
  await page.goto(`${baseUrl}/healthz`)
  await page.evaluate(
    async ({ url, audio, clock, video }) => {
      const ws = new WebSocket(url)
      const opened = new Promise((resolve, reject) => {
        ws.onopen = resolve
        ws.onerror = reject
      })
      const pc = new RTCPeerConnection()
      ;(window as unknown as { __sfu: unknown }).__sfu = { ws, pc }
      const stream = await navigator.mediaDevices.getUserMedia({
        video,
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
        sendEncodings: [
          { rid: 'l', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
          { rid: 'm', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
          { rid: 'h', maxBitrate: 1_200_000 },
        ],
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
      video: options.video ?? { width: 640, height: 360 },
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
