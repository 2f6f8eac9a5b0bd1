import { z } from 'zod'

/**
 * The video stage's wire contract: where signaling lives, how PeerJS peer ids are
 * bound to access tokens, and the shapes of the video API responses.
 * The signaling flow is described in docs/video.md.
 */

/** The PeerJS server's mount; clients connect to `${PEERJS_PATH}/${PEERJS_KEY}?key=…`. */
export const PEERJS_PATH = '/peerjs'
export const PEERJS_KEY = 'peerjs'
/** The y-webrtc signaling endpoint for staff (token in the `token` query parameter). */
export const Y_WEBRTC_PATH = '/signal'

/** What a peer id is for: publishing on the stage, or watching it. */
export const PeerKind = { stage: 'stage', watch: 'watch' } as const
export type PeerKind = (typeof PeerKind)[keyof typeof PeerKind]

export interface PeerBinding {
  sessionId: string
  userId: string
  kind: PeerKind
}

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/** Hex keeps any id inside PeerJS's alphabet (letters and digits between single dashes). */
function hex(text: string): string {
  let out = ''
  for (const byte of encoder.encode(text)) out += byte.toString(16).padStart(2, '0')
  return out
}

function unhex(text: string): string | null {
  if (text.length === 0 || text.length % 2 !== 0) return null
  const bytes = new Uint8Array(text.length / 2)
  for (let i = 0; i < bytes.length; i++)
    bytes[i] = Number.parseInt(text.slice(i * 2, i * 2 + 2), 16)
  try {
    return decoder.decode(bytes)
  } catch {
    return null
  }
}

const NONCE = /^[A-Za-z0-9]{6,32}$/
const PEER_ID = /^pd-([0-9a-f]{2,256})-([0-9a-f]{2,256})-(stage|watch-([A-Za-z0-9]{6,32}))$/

/** A publisher's peer id: one per user and session, so viewers can find it again after a reload. */
export function stagePeerId(sessionId: string, userId: string): string {
  return `pd-${hex(sessionId)}-${hex(userId)}-stage`
}

/** A viewer's peer id: the nonce lets one person watch from several tabs. */
export function watchPeerId(sessionId: string, userId: string, nonce: string): string {
  if (!NONCE.test(nonce)) throw new Error('a watch nonce is 6 to 32 letters or digits')
  return `pd-${hex(sessionId)}-${hex(userId)}-watch-${nonce}`
}

/** Who a peer id claims to be, or null when it is not a Podium peer id. */
export function parsePeerId(peerId: string): PeerBinding | null {
  const match = PEER_ID.exec(peerId)
  if (!match) return null
  const sessionId = unhex(match[1] ?? '')
  const userId = unhex(match[2] ?? '')
  if (sessionId === null || userId === null) return null
  return { sessionId, userId, kind: match[3] === 'stage' ? PeerKind.stage : PeerKind.watch }
}

/**
 * The PeerJS `token`: the access token and a per-tab nonce. PeerJS lets whoever shows a
 * connected id's token take that id over (that is how it resumes); the nonce keeps a
 * second tab of the same person from silently taking a stage id the first tab holds.
 */
export function peerToken(accessToken: string, tabNonce: string): string {
  if (!NONCE.test(tabNonce)) throw new Error('a tab nonce is 6 to 32 letters or digits')
  return `${accessToken}~${tabNonce}`
}

export function splitPeerToken(token: string): { accessToken: string; tabNonce: string } | null {
  const at = token.lastIndexOf('~')
  if (at <= 0) return null
  const tabNonce = token.slice(at + 1)
  return NONCE.test(tabNonce) ? { accessToken: token.slice(0, at), tabNonce } : null
}

/**
 * The y-webrtc room of a session as its staff list stands: `podium-<session>.<tag>`, the
 * tag changing with every change of the staff list (signal-server's staffRoom). Staff may
 * use a room of their session and `<room>:<anything>`.
 */
export const webrtcRoomName = (sessionId: string, tag: string) => `podium-${sessionId}.${tag}`

export const IceServer = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.string().optional(),
  credential: z.string().optional(),
})
export type IceServer = z.infer<typeof IceServer>

/** GET /api/ice-servers */
export const IceServersResponse = z.object({
  iceServers: z.array(IceServer),
  /** When the TURN credentials stop working (ms since the epoch); null without TURN. */
  expiresAt: z.number().nullable(),
})
export type IceServersResponse = z.infer<typeof IceServersResponse>

/** GET /api/sessions/:id/webrtc-room (staff only) */
export const WebrtcRoomResponse = z.object({
  room: z.string(),
  password: z.string(),
  signalingUrl: z.string(),
})
export type WebrtcRoomResponse = z.infer<typeof WebrtcRoomResponse>

/**
 * How many viewers one presenter serves over a mesh before frame rate or bitrate
 * falls apart, measured with signal-server/scripts/mesh-limit.ts (see docs/video.md). Viewers past it
 * are told the stage is full; Q&A goes on for them.
 */
export const STAGE_AUDIENCE_CAP = 8
