import { SFU_PATH } from '@podium/shared'
import WebSocket from 'ws'

export interface SfuMessage {
  type: string
  code?: string
  message?: string
  subscription?: string
  feeds?: { userId: string; feed: string }[]
  sdp?: string
  [key: string]: unknown
}

/** The browser's side of the SFU proxy (`/sfu?token=…`, JSON frames), for tests without a browser. */
export class SfuSocket {
  readonly messages: SfuMessage[] = []
  private waiters: Array<() => void> = []
  readonly closed: Promise<{ code: number; reason: string }>

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.messages.push(JSON.parse(data.toString()) as SfuMessage)
      for (const wake of this.waiters.splice(0)) wake()
    })
    ws.on('error', () => undefined)
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => {
        resolve({ code, reason: reason.toString() })
        for (const wake of this.waiters.splice(0)) wake()
      }),
    )
  }

  static connect(baseUrl: string, token: string | null) {
    const query = token === null ? '' : `?token=${encodeURIComponent(token)}`
    return new SfuSocket(new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${SFU_PATH}${query}`))
  }

  send(message: object | string): void {
    const send = () => this.ws.send(typeof message === 'string' ? message : JSON.stringify(message))
    if (this.ws.readyState === WebSocket.OPEN) send()
    else this.ws.once('open', send)
  }

  /** The first message of `type` matching `where` (received or still to come), or throws. */
  async next(
    type: string,
    where: (m: SfuMessage) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<SfuMessage> {
    const until = Date.now() + timeoutMs
    for (;;) {
      const found = this.messages.find((m) => m.type === type && where(m))
      if (found) {
        this.messages.splice(this.messages.indexOf(found), 1)
        return found
      }
      if (this.ws.readyState === WebSocket.CLOSED || Date.now() > until)
        throw new Error(`no ${type} message; got ${JSON.stringify(this.messages).slice(0, 2000)}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, until - Date.now()))
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  close(): void {
    this.ws.close()
  }
}

const FINGERPRINT = Array.from({ length: 32 }, (_, i) =>
  ((i * 37 + 11) % 256).toString(16).padStart(2, '0').toUpperCase(),
).join(':')

/**
 * A publisher's offer as Chromium writes one with three simulcast layers (rids l, m, h):
 * Janus negotiates it (no media flows: nobody answers its ICE checks).
 */
export function publisherOffer(direction: 'sendonly' | 'recvonly' = 'sendonly'): string {
  return [
    'v=0',
    'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1',
    'a=msid-semantic: WMS stream',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    'a=ice-ufrag:abcd',
    'a=ice-pwd:abcdefghijklmnopqrstuvwx',
    'a=ice-options:trickle',
    `a=fingerprint:sha-256 ${FINGERPRINT}`,
    'a=setup:actpass',
    'a=mid:0',
    'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
    `a=${direction}`,
    'a=msid:stream audio0',
    'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2',
    'a=fmtp:111 minptime=10;useinbandfec=1',
    'a=ssrc:1001 cname:podiumtest',
    'm=video 9 UDP/TLS/RTP/SAVPF 96',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    'a=ice-ufrag:abcd',
    'a=ice-pwd:abcdefghijklmnopqrstuvwx',
    'a=ice-options:trickle',
    `a=fingerprint:sha-256 ${FINGERPRINT}`,
    'a=setup:actpass',
    'a=mid:1',
    'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
    'a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
    'a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id',
    `a=${direction}`,
    'a=msid:stream video0',
    'a=rtcp-mux',
    'a=rtcp-rsize',
    'a=rtpmap:96 VP8/90000',
    'a=rtcp-fb:96 nack',
    'a=rtcp-fb:96 nack pli',
    'a=rtcp-fb:96 ccm fir',
    'a=rtcp-fb:96 goog-remb',
    ...(direction === 'sendonly'
      ? ['a=rid:l send', 'a=rid:m send', 'a=rid:h send', 'a=simulcast:send l;m;h']
      : []),
    '',
  ].join('\r\n')
}

/** A viewer's answer to the SFU's offer: receive only, or (`sendrecv`) trying to publish. */
export function viewerAnswer(
  offer: string,
  direction: 'recvonly' | 'sendrecv' = 'recvonly',
): string {
  const mids = [...offer.matchAll(/^a=mid:(\S+)$/gm)].map((m) => m[1])
  const kinds = [...offer.matchAll(/^m=(\w+) /gm)].map((m) => m[1])
  const lines = [
    'v=0',
    'o=- 1 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    `a=group:BUNDLE ${mids.join(' ')}`,
  ]
  kinds.forEach((kind, i) => {
    const mid = mids[i]
    if (kind === 'application') {
      lines.push(
        'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
        'c=IN IP4 0.0.0.0',
        `a=mid:${mid}`,
      )
      return
    }
    const pt = kind === 'audio' ? 111 : 96
    const codec = kind === 'audio' ? 'opus/48000/2' : 'VP8/90000'
    lines.push(
      `m=${kind} 9 UDP/TLS/RTP/SAVPF ${pt}`,
      'c=IN IP4 0.0.0.0',
      'a=ice-ufrag:wxyz',
      'a=ice-pwd:abcdefghijklmnopqrstuvwx',
      `a=fingerprint:sha-256 ${FINGERPRINT}`,
      'a=setup:active',
      `a=mid:${mid}`,
      `a=${direction}`,
      'a=rtcp-mux',
      `a=rtpmap:${pt} ${codec}`,
    )
  })
  lines.push('')
  return lines.join('\r\n')
}
