import { z } from 'zod'

/**
 * The six reactions an attendee can send, in the order the room shows them. The id is
 * what travels; the emoji and the label are what people see and hear.
 */
export const REACTIONS = [
  { id: 'like', emoji: '👍', label: 'Thumbs up' },
  { id: 'love', emoji: '❤️', label: 'Love' },
  { id: 'laugh', emoji: '😂', label: 'Laugh' },
  { id: 'clap', emoji: '👏', label: 'Applause' },
  { id: 'party', emoji: '🎉', label: 'Celebrate' },
  { id: 'wow', emoji: '😮', label: 'Surprised' },
] as const
export type ReactionId = (typeof REACTIONS)[number]['id']
export const REACTION_IDS = REACTIONS.map((r) => r.id) as [ReactionId, ...ReactionId[]]
export const ReactionIdSchema = z.enum(REACTION_IDS)

/** Counts per reaction; a reaction nobody sent is left out. */
export const ReactionCounts = z.partialRecord(ReactionIdSchema, z.number().int().nonnegative())
export type ReactionCounts = z.infer<typeof ReactionCounts>

/**
 * How often one person may react: about once a second, with a small burst so a double tap
 * is not refused. Kept per user on the server (like the ingest's post and vote allowances).
 */
export const REACTION_RATE = { perSecond: 1, burst: 3 } as const

/** The length of one aggregation window: the server publishes at most one count per window. */
export const REACTION_WINDOW_MS = 1_000

/**
 * What a client sends to react: a Hocuspocus stateless message on the public document,
 * the one stateless message an attendee may send. It writes no document: the server counts
 * it and publishes each second's counts (see docs/reactions.md).
 */
export const ReactionMessage = z.object({ type: z.literal('reaction'), reaction: z.string() })
export type ReactionMessage = z.infer<typeof ReactionMessage>

/** Why a reaction was not counted; each has a sentence for people in REACTION_REFUSALS. */
export const ReactionRefusal = {
  unknown: 'unknown-reaction',
  rateLimited: 'rate-limited',
  sessionEnded: 'session-ended',
} as const
export type ReactionRefusal = (typeof ReactionRefusal)[keyof typeof ReactionRefusal]

export const REACTION_REFUSALS: Record<ReactionRefusal, string> = {
  'unknown-reaction': 'That reaction is not one this session offers.',
  'rate-limited': 'You are reacting too fast. Please wait a second.',
  'session-ended': 'The session has ended.',
}

/** The server's answer to a reaction it did not count, sent to that connection only. */
export const ReactionRefused = z.object({
  type: z.literal('reaction-refused'),
  reason: z.enum(Object.values(ReactionRefusal) as [ReactionRefusal, ...ReactionRefusal[]]),
  message: z.string(),
})
export type ReactionRefused = z.infer<typeof ReactionRefused>

/** The stateless message types an attendee may send (every other one is refused). */
export const ATTENDEE_STATELESS_TYPES: readonly string[] = ['reaction']

/** Reads a stateless payload's `type`, or null when it is not a JSON object with one. */
export function statelessType(payload: string): string | null {
  try {
    const value: unknown = JSON.parse(payload)
    if (typeof value !== 'object' || value === null) return null
    const type = (value as { type?: unknown }).type
    return typeof type === 'string' ? type : null
  } catch {
    return null
  }
}
