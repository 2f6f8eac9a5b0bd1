import { z } from 'zod'
import { ID_PATTERN } from '../ids.ts'
import { Limits } from './limits.ts'
import { PollAnswerEntry } from './polls.ts'

const id = z.string().regex(ID_PATTERN, 'an id of 6-64 letters, digits, - or _')
const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`)

/** Every entry carries a client-made id and the client's sequence number for it. */
const base = {
  id: z.string().min(1).max(80),
  /** Increases each time the client rewrites this entry (votes toggle in place). */
  seq: z.number().int().nonnegative(),
  createdAt: z.number().int().nonnegative(),
}

export const AskEntry = z.object({
  ...base,
  type: z.literal('ask'),
  questionId: id,
  // The session's own maxQuestionLength is checked by the ingest; this is the ceiling.
  text: text(Limits.questionLengthCeiling),
  anonymous: z.boolean().default(false),
})
export const EditEntry = z.object({
  ...base,
  type: z.literal('edit'),
  questionId: id,
  text: text(Limits.questionLengthCeiling),
})
export const WithdrawEntry = z.object({ ...base, type: z.literal('withdraw'), questionId: id })
export const VoteEntry = z.object({
  ...base,
  type: z.literal('vote'),
  questionId: id,
  /** true: I upvote this question; false: I take my vote back. */
  up: z.boolean(),
})
export const ReplyEntry = z.object({
  ...base,
  type: z.literal('reply'),
  replyId: id,
  questionId: id,
  text: text(Limits.replyLength),
  anonymous: z.boolean().default(false),
})

/** A raised hand is state, like a vote: one entry under `hand`, rewritten on each change. */
export const HandEntry = z.object({ ...base, type: z.literal('hand'), raised: z.boolean() })

export const OutboxEntry = z.discriminatedUnion('type', [
  AskEntry,
  EditEntry,
  WithdrawEntry,
  VoteEntry,
  ReplyEntry,
  HandEntry,
  PollAnswerEntry,
])
export type OutboxEntry = z.infer<typeof OutboxEntry>
export type OutboxEntryType = OutboxEntry['type']

/** The key a vote entry is stored under: one entry per question, rewritten on each toggle. */
export const voteEntryId = (questionId: string) => `vote:${questionId}`

export const ReceiptStatus = {
  accepted: 'accepted',
  pending: 'pending',
  rejected: 'rejected',
} as const
export type ReceiptStatus = (typeof ReceiptStatus)[keyof typeof ReceiptStatus]

/** Why the server refused an entry. Each has a sentence for people in REJECT_MESSAGES. */
export const RejectReason = {
  invalid: 'invalid',
  tooLong: 'too-long',
  sessionEnded: 'session-ended',
  qaClosed: 'qa-closed',
  rateLimited: 'rate-limited',
  outboxFull: 'outbox-full',
  notFound: 'not-found',
  notYours: 'not-yours',
  alreadyAnswered: 'already-answered',
  anonymousNotAllowed: 'anonymous-not-allowed',
  moderatorRejected: 'moderator-rejected',
  idTaken: 'id-taken',
  pollNotFound: 'poll-not-found',
  pollNotOpen: 'poll-not-open',
  pollClosed: 'poll-closed',
  badAnswer: 'bad-answer',
  emptyAnswer: 'empty-answer',
  tooLate: 'too-late',
} as const
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason]

export const REJECT_MESSAGES: Record<RejectReason, string> = {
  invalid: 'This could not be read. Please try again.',
  'too-long': 'This is longer than the session allows. Please shorten it.',
  'session-ended': 'The session has ended.',
  'qa-closed': 'The host has closed Q&A for now.',
  'rate-limited': 'You are sending too fast. Please wait a moment and try again.',
  'outbox-full': 'You have reached the limit of contributions for this session.',
  'not-found': 'That question is no longer available.',
  'not-yours': 'You can only change your own questions.',
  'already-answered': 'That question has been answered and can no longer be changed.',
  'anonymous-not-allowed': 'This session does not allow anonymous questions.',
  'moderator-rejected': 'A moderator did not publish this.',
  'id-taken':
    'This clashed with something already posted, so it was not published. Please post it again.',
  'poll-not-found': 'That poll is no longer available.',
  'poll-not-open': 'That poll has not been opened yet.',
  'poll-closed': 'The poll closed before your answer arrived, so it was not counted.',
  'bad-answer': 'This answer does not fit the poll (an option that is not there, or too many).',
  'empty-answer': 'The answer is empty. Please write something.',
  'too-late': 'Time was up before your answer arrived, so it was not counted.',
}

export const Receipt = z.object({
  status: z.enum(['accepted', 'pending', 'rejected']),
  /** The entry's seq this receipt answers. */
  seq: z.number().int().nonnegative(),
  at: z.number().int(),
  reason: z.enum(Object.values(RejectReason) as [RejectReason, ...RejectReason[]]).optional(),
  /** Free text from a moderator's rejection, shown to the author only. */
  detail: z.string().max(Limits.reasonLength).optional(),
})
export type Receipt = z.infer<typeof Receipt>
