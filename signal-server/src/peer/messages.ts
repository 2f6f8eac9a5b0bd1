import { z } from 'zod'

const PeerId = z.string().min(1).max(300)
const ConnectionId = z.string().min(1).max(64)
const ConnectionType = z.enum(['media', 'data'])
const Description = z.object({ type: z.enum(['offer', 'answer']), sdp: z.string().max(48 * 1024) })

/**
 * What a PeerJS client may send to the server. Anything else (including fields the
 * server sets itself, like `src`) is dropped before the peer server sees the frame.
 */
export const ClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('HEARTBEAT') }),
  z.object({
    type: z.literal('OFFER'),
    dst: PeerId,
    payload: z.object({
      sdp: Description,
      type: ConnectionType,
      connectionId: ConnectionId,
      metadata: z.unknown().optional(),
      label: z.string().max(64).optional(),
      reliable: z.boolean().optional(),
      serialization: z.string().max(32).optional(),
    }),
  }),
  z.object({
    type: z.literal('ANSWER'),
    dst: PeerId,
    payload: z.object({ sdp: Description, type: ConnectionType, connectionId: ConnectionId }),
  }),
  z.object({
    type: z.literal('CANDIDATE'),
    dst: PeerId,
    payload: z.object({
      candidate: z.object({
        candidate: z.string().max(1024),
        sdpMid: z.string().max(64).nullable().optional(),
        sdpMLineIndex: z.number().int().min(0).max(1024).nullable().optional(),
        usernameFragment: z.string().max(256).nullable().optional(),
      }),
      type: ConnectionType,
      connectionId: ConnectionId,
    }),
  }),
  z.object({ type: z.literal('LEAVE'), dst: PeerId }),
])
export type ClientMessage = z.infer<typeof ClientMessage>

export function decodeClientMessage(data: Buffer): ClientMessage | null {
  try {
    const parsed = ClientMessage.safeParse(JSON.parse(data.toString('utf8')))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}
