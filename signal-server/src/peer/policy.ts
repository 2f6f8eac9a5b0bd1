import {
  ACCESS_REVOKED,
  CloseCode,
  canPublishVideo,
  type PeerBinding,
  PeerKind,
  parsePeerId,
  splitPeerToken,
} from '@podium/shared'
import type { Claims, TokenCheck } from '../auth/tokens.ts'
import type { ClientMessage } from './messages.ts'
import { sdpSendsMedia } from './sdp.ts'

/**
 * Who may hold which PeerJS id, and which signaling messages each may send.
 * The peer server itself hands ids out first come, first served; these rules tie
 * an id to the signed token that presents it and run before the peer server sees
 * a connection or a frame. Pure functions, so the rules are tested without sockets.
 */

export const Refusal = {
  missingParameters: 'missing-parameters',
  tokenMissing: 'token-missing',
  tokenExpired: 'token-expired',
  tokenInvalid: 'token-invalid',
  unknownSession: 'unknown-session',
  revoked: ACCESS_REVOKED,
  foreignId: 'peer-id-not-yours',
  publishForbidden: 'publish-forbidden',
  stageNotInPlan: 'stage-not-in-plan',
  otherSession: 'other-session',
  viewerToViewer: 'viewer-to-viewer',
  badFrame: 'bad-frame',
  rateLimited: 'rate-limited',
} as const
export type Refusal = (typeof Refusal)[keyof typeof Refusal]

/** What the client is told (PeerJS shows it as a `server-error`), and the close code. */
export function describeRefusal(refusal: Refusal): { message: string; code: number } {
  switch (refusal) {
    case Refusal.missingParameters:
      return { message: 'Connect with a peer id, a token and the key.', code: CloseCode.badFrame }
    case Refusal.tokenMissing:
      return {
        message: 'Connect with your session token as the PeerJS token.',
        code: CloseCode.unauthorized,
      }
    case Refusal.tokenExpired:
      return {
        message: 'Your session token has expired; join the session again.',
        code: CloseCode.unauthorized,
      }
    case Refusal.tokenInvalid:
      return {
        message: 'Your session token is not valid; join the session again.',
        code: CloseCode.unauthorized,
      }
    case Refusal.unknownSession:
      return { message: 'This session no longer exists.', code: CloseCode.notFound }
    case Refusal.revoked:
      return {
        message: 'The host has withdrawn your role in this session.',
        code: CloseCode.forbidden,
      }
    case Refusal.foreignId:
      return {
        message: 'This peer id belongs to someone else; use the id of your own token.',
        code: CloseCode.forbidden,
      }
    case Refusal.publishForbidden:
      return {
        message: 'Only the host and presenters may publish video in this session.',
        code: CloseCode.forbidden,
      }
    case Refusal.stageNotInPlan:
      return {
        message:
          "The host's plan has no video stage. The host can change plans in the billing settings.",
        code: CloseCode.forbidden,
      }
    case Refusal.otherSession:
      return { message: 'Peers of another session are out of reach.', code: CloseCode.forbidden }
    case Refusal.viewerToViewer:
      return { message: 'Viewers connect to the people on stage only.', code: CloseCode.forbidden }
    case Refusal.badFrame:
      return { message: 'That was not a PeerJS signaling message.', code: CloseCode.badFrame }
    case Refusal.rateLimited:
      return { message: 'Too many signaling messages; slow down.', code: CloseCode.rateLimited }
    default: {
      const unknown: never = refusal
      throw new Error(`unknown refusal ${String(unknown)}`)
    }
  }
}

export interface Admitted {
  binding: PeerBinding
  claims: Claims
  /** The access token within the peer token, as the sync-server's API takes it. */
  accessToken: string
}

export type Admission = { ok: true; admitted: Admitted } | { ok: false; refusal: Refusal }

const tokenRefusal: Record<Exclude<TokenCheck, { ok: true }>['reason'], Refusal> = {
  missing: Refusal.tokenMissing,
  expired: Refusal.tokenExpired,
  invalid: Refusal.tokenInvalid,
  'unknown-session': Refusal.unknownSession,
  revoked: Refusal.revoked,
}

/** Admits a connection whose peer id is the one its token may hold. */
export async function admit(
  query: { id: string | null; token: string | null; key: string | null },
  checkToken: (accessToken: string) => Promise<TokenCheck>,
): Promise<Admission> {
  if (!query.id || !query.token || !query.key)
    return { ok: false, refusal: Refusal.missingParameters }
  const parts = splitPeerToken(query.token)
  if (!parts) return { ok: false, refusal: Refusal.tokenMissing }
  const token = await checkToken(parts.accessToken)
  if (!token.ok) return { ok: false, refusal: tokenRefusal[token.reason] }
  const binding = parsePeerId(query.id)
  const { claims } = token
  if (!binding || binding.sessionId !== claims.sid || binding.userId !== claims.sub) {
    return { ok: false, refusal: Refusal.foreignId }
  }
  if (binding.kind === PeerKind.stage && !canPublishVideo(claims.role)) {
    return { ok: false, refusal: Refusal.publishForbidden }
  }
  return { ok: true, admitted: { binding, claims, accessToken: parts.accessToken } }
}

export const Action = { relay: 'relay', expire: 'expire', drop: 'drop', refuse: 'refuse' } as const

export type Decision =
  | { action: typeof Action.relay }
  /** The destination is not connected: tell the sender now rather than queue the offer. */
  | { action: typeof Action.expire; dst: string }
  | { action: typeof Action.drop }
  | { action: typeof Action.refuse; refusal: Refusal }

/**
 * Viewers signal only the publishers of their session and only to receive; publishers
 * reach anyone in their session. Offers to peers that are not connected expire at once.
 */
export function decide(
  sender: PeerBinding,
  message: ClientMessage,
  isConnected: (peerId: string) => boolean,
): Decision {
  if (message.type === 'HEARTBEAT') return { action: Action.relay }
  const dst = parsePeerId(message.dst)
  if (!dst || dst.sessionId !== sender.sessionId)
    return { action: Action.refuse, refusal: Refusal.otherSession }
  if (sender.kind === PeerKind.watch) {
    if (dst.kind !== PeerKind.stage)
      return { action: Action.refuse, refusal: Refusal.viewerToViewer }
    const publishes =
      (message.type === 'OFFER' &&
        (message.payload.type !== 'media' || sdpSendsMedia(message.payload.sdp.sdp))) ||
      (message.type === 'ANSWER' && sdpSendsMedia(message.payload.sdp.sdp))
    if (publishes) return { action: Action.refuse, refusal: Refusal.publishForbidden }
  }
  if (isConnected(message.dst)) return { action: Action.relay }
  return message.type === 'OFFER'
    ? { action: Action.expire, dst: message.dst }
    : { action: Action.drop }
}
