import { PEERJS_KEY, PEERJS_PATH, peerToken } from '@podium/shared'
import WebSocket from 'ws'

export interface ServerMessage {
  type: string
  src?: string
  dst?: string
  payload?: { msg?: string; [key: string]: unknown }
}

/**
 * The PeerJS client's side of the signaling protocol, as peerjs 1.5 speaks it
 * (`<path>/peerjs?key=…&id=…&token=…`, JSON frames), for tests without a browser.
 */
export class PeerSocket {
  readonly messages: ServerMessage[] = []
  private waiters: Array<() => void> = []
  readonly closed: Promise<{ code: number; reason: string }>
  readonly opened: Promise<void>

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.messages.push(JSON.parse(data.toString()) as ServerMessage)
      for (const wake of this.waiters.splice(0)) wake()
    })
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => {
        resolve({ code, reason: reason.toString() })
        for (const wake of this.waiters.splice(0)) wake()
      }),
    )
  }

  static connect(
    baseUrl: string,
    id: string,
    token: string,
    options: { nonce?: string; key?: string } = {},
  ) {
    const full = peerToken(token, options.nonce ?? 'tab000001')
    const url = `${baseUrl.replace(/^http/, 'ws')}${PEERJS_PATH}/peerjs?key=${options.key ?? PEERJS_KEY}&id=${id}&token=${full}&version=1.5.5`
    return new PeerSocket(new WebSocket(url))
  }

  /** Raw: exactly these query parameters. */
  static raw(baseUrl: string, query: string) {
    return new PeerSocket(
      new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${PEERJS_PATH}/peerjs?${query}`),
    )
  }

  send(message: object): void {
    this.ws.send(JSON.stringify(message))
  }

  /** The first message of `type` (already received or still to come), or throws after `timeoutMs`. */
  async next(type: string, timeoutMs = 3000): Promise<ServerMessage> {
    const until = Date.now() + timeoutMs
    for (;;) {
      const found = this.messages.find((m) => m.type === type)
      if (found) {
        this.messages.splice(this.messages.indexOf(found), 1)
        return found
      }
      if (this.ws.readyState === WebSocket.CLOSED || Date.now() > until) {
        throw new Error(`no ${type} message; got ${JSON.stringify(this.messages)}`)
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, until - Date.now()))
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  /** Waits `ms` and returns whatever arrived meanwhile. */
  async quietFor(ms: number): Promise<ServerMessage[]> {
    await new Promise((resolve) => setTimeout(resolve, ms))
    return this.messages.splice(0)
  }

  close(): void {
    this.ws.close()
  }
}

/** Minimal SDPs: one audio and one video section with the given direction. */
export function sdp(direction: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive' | null): string {
  const dir = direction ? `a=${direction}\r\n` : ''
  return [
    'v=0',
    'o=- 1 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'c=IN IP4 0.0.0.0',
    `a=mid:0\r\n${dir}a=rtpmap:111 opus/48000/2`,
    'm=video 9 UDP/TLS/RTP/SAVPF 96',
    'c=IN IP4 0.0.0.0',
    `a=mid:1\r\n${dir}a=rtpmap:96 VP8/90000`,
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    'a=mid:2',
    '',
  ].join('\r\n')
}

export function offer(
  dst: string,
  direction: Parameters<typeof sdp>[0],
  type: 'media' | 'data' = 'media',
) {
  return {
    type: 'OFFER',
    dst,
    payload: {
      sdp: { type: 'offer', sdp: sdp(direction) },
      type,
      connectionId: 'mc_test1',
      metadata: { feed: 'camera' },
    },
  }
}
