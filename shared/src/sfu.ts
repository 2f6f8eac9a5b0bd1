import { z } from 'zod'
import type { BroadcastStatus } from './broadcast.ts'

/**
 * The SFU's wire contract: browsers talk to the signal-server's `/sfu` WebSocket (the
 * session token in the `token` query parameter), never to Janus. Publishers send a
 * simulcast offer per feed; viewers ask for a publisher's feed of their own session,
 * answer the offer they get and pick a simulcast layer. Flow in docs/video.md.
 */

export const SFU_PATH = '/sfu'

/** Simulcast layers, lowest first: what the publisher sends and a viewer may pick. */
export const SIMULCAST_LAYERS = [
  { rid: 'l', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: 'm', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: 'h', scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
] as const
export const Substream = z.union([z.literal(0), z.literal(1), z.literal(2)])
export type Substream = z.infer<typeof Substream>

export const SfuFeedKind = z.enum(['camera', 'screen'])
export type SfuFeedKind = z.infer<typeof SfuFeedKind>

/** A feed published on the SFU in a session. */
export const SfuFeed = z.object({ userId: z.string(), feed: SfuFeedKind })
export type SfuFeed = z.infer<typeof SfuFeed>

const MAX_SDP = 64 * 1024
const sdp = z.string().min(1).max(MAX_SDP)
/** A subscription's id, handed out by the server. */
const subscription = z.string().regex(/^s[0-9a-z]{1,32}$/)

export const IceCandidate = z
  .object({
    candidate: z.string().max(1024),
    sdpMid: z.string().max(64).nullable().optional(),
    sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
  })
  .nullable()

export const SfuClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('publish'), feed: SfuFeedKind, sdp }),
  z.object({ type: z.literal('unpublish'), feed: SfuFeedKind }),
  z.object({
    type: z.literal('subscribe'),
    sessionId: z.string().max(256),
    userId: z.string().max(256),
    feed: SfuFeedKind,
  }),
  z.object({ type: z.literal('answer'), subscription, sdp }),
  z.object({
    type: z.literal('candidate'),
    /** `publish:camera`, `publish:screen`, or a subscription id. */
    target: z.string().max(64),
    candidate: IceCandidate,
  }),
  z.object({ type: z.literal('substream'), subscription, substream: Substream }),
  z.object({ type: z.literal('unsubscribe'), subscription }),
])
export type SfuClientMessage = z.infer<typeof SfuClientMessage>

export const SfuRefusal = {
  badFrame: 'bad-frame',
  badSdp: 'bad-sdp',
  publishForbidden: 'publish-forbidden',
  otherSession: 'other-session',
  notYours: 'not-yours',
  noSuchFeed: 'no-such-feed',
  rateLimited: 'rate-limited',
  unavailable: 'sfu-unavailable',
  mediaServer: 'media-server-error',
  /** The feed has as many viewers through the SFU as it serves (SFU_MAX_VIEWERS). */
  full: 'sfu-full',
} as const
export type SfuRefusal = (typeof SfuRefusal)[keyof typeof SfuRefusal]

export type SfuServerMessage =
  /** Sent once admitted, and again whenever the session's published feeds change. */
  | { type: 'feeds'; feeds: SfuFeed[] }
  | { type: 'published'; feed: SfuFeedKind; sdp: string }
  | { type: 'offer'; subscription: string; userId: string; feed: SfuFeedKind; sdp: string }
  | { type: 'started'; subscription: string }
  /** The publisher of a subscription stopped (left the stage, page closed). */
  | { type: 'ended'; subscription: string }
  /** The layer a viewer asked for (sent once Janus has the request). */
  | { type: 'substream'; subscription: string; substream: Substream }
  /**
   * The layer Janus forwards to this subscription now: its `substream` event, at the
   * first keyframe of a layer (the start, and after each switch).
   */
  | { type: 'forwarding'; subscription: string; substream: Substream }
  | { type: 'error'; code: SfuRefusal; message: string; ref?: string }
  /** The session's HLS broadcast: sent once admitted, and whenever it changes. */
  | { type: 'broadcast'; broadcast: BroadcastStatus }

/** GET /api/sfu: whether viewers past the mesh cap can watch through the SFU. */
export const SfuStatusResponse = z.object({
  available: z.boolean(),
  /** Why not, when not (no media server configured, or it does not answer). */
  reason: z.string().nullable(),
})
export type SfuStatusResponse = z.infer<typeof SfuStatusResponse>
