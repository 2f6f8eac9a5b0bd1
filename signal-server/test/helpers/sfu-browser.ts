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
  options: { audio?: boolean } = {},
): Promise<void> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/sfu?token=${encodeURIComponent(token)}`
  // Cameras need a secure context: a page of 127.0.0.1 is one, about:blank is not.
  await page.goto(`${baseUrl}/healthz`)
  await page.evaluate(
    async ({ url, audio }) => {
      const ws = new WebSocket(url)
      const opened = new Promise((resolve, reject) => {
        ws.onopen = resolve
        ws.onerror = reject
      })
      const pc = new RTCPeerConnection()
      ;(window as unknown as { __sfu: unknown }).__sfu = { ws, pc }
      const stream = await navigator.mediaDevices.getUserMedia({
        video: { width: 640, height: 360 },
        audio,
      })
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
    { url, audio: options.audio ?? false },
  )
}

export async function stopPublishing(page: Page): Promise<void> {
  await page.evaluate(() => {
    const sfu = (window as unknown as { __sfu?: { ws: WebSocket; pc: RTCPeerConnection } }).__sfu
    sfu?.pc.close()
    sfu?.ws.close()
  })
}
