import { z } from 'zod'
import { Limits } from '../schemas/limits.ts'
import { SessionSettings, SessionStatusSchema } from '../schemas/settings.ts'

/**
 * The values stored in Podium's documents. The accessors in this folder are the
 * only code that reads or writes the raw Yjs keys; everything else uses these types.
 */

/**
 * The author id a document shows: the id only together with a name. An entry posted
 * anonymously (or by someone who gave no name) names nobody, so its id cannot link it to
 * the same person's named questions and replies; the server keeps who wrote it (the
 * `ingested` table) to check edits and withdrawals and to send receipts.
 */
export function shownAuthorId(authorId: string | null, authorName: string | null): string | null {
  return authorName === null ? null : authorId
}

export const QuestionStatus = {
  published: 'published',
  hidden: 'hidden',
  archived: 'archived',
} as const
export type QuestionStatus = (typeof QuestionStatus)[keyof typeof QuestionStatus]

export const Question = z.object({
  id: z.string(),
  text: z.string().max(Limits.questionLengthCeiling),
  /**
   * null when the question names nobody (asked anonymously, or by someone without a name):
   * then only the server knows who asked it (see shownAuthorId).
   */
  authorId: z.string().nullable(),
  /** null when asked anonymously. */
  authorName: z.string().nullable(),
  createdAt: z.number(),
  editedAt: z.number().nullable(),
  /**
   * Where the edit that gave the question its text stands among its author's edits (see
   * PendingItem's `editOrder`); absent until an edit is applied. An edit approved later
   * than a newer one leaves the newer text.
   */
  editOrder: z.number().optional(),
  status: z.enum(['published', 'hidden', 'archived']),
  pinned: z.boolean(),
  pinnedAt: z.number().nullable(),
  answered: z.boolean(),
  answeredAt: z.number().nullable(),
  /** Written by the server only, from the votes table. */
  votes: z.number().int().nonnegative(),
  labels: z.array(z.string().max(Limits.labelLength)).max(Limits.labelsPerQuestion),
})
export type Question = z.infer<typeof Question>

export const Reply = z.object({
  id: z.string(),
  questionId: z.string(),
  text: z.string().max(Limits.replyLength),
  /** null when the reply names nobody, as for questions. */
  authorId: z.string().nullable(),
  authorName: z.string().nullable(),
  /** Replies from hosts and moderators are marked as such. */
  authorRole: z.enum(['host', 'moderator', 'presenter', 'attendee']),
  createdAt: z.number(),
  hidden: z.boolean(),
})
export type Reply = z.infer<typeof Reply>

export const Label = z.object({
  id: z.string(),
  name: z.string().max(Limits.labelLength),
  color: z.string().max(20),
})
export type Label = z.infer<typeof Label>

export const AgendaItem = z.object({
  id: z.string(),
  title: z.string().min(1).max(Limits.titleLength),
  durationSec: z
    .number()
    .int()
    .min(0)
    .max(24 * 3600),
})
export type AgendaItem = z.infer<typeof AgendaItem>

export const TimerState = z.object({
  durationMs: z.number().int().min(0),
  state: z.enum(['stopped', 'running', 'paused']),
  /** Server clock (ms) when the current run began; null unless running. */
  startedAt: z.number().nullable(),
  /** Time already run before `startedAt`. */
  elapsedMs: z.number().int().min(0),
})
export type TimerState = z.infer<typeof TimerState>

export const TimerCommand = z.object({
  id: z.string(),
  action: z.enum(['start', 'pause', 'reset']),
  /** With `reset` (and optionally `start`): the new duration. */
  durationMs: z
    .number()
    .int()
    .min(0)
    .max(24 * 3600 * 1000)
    .optional(),
  /**
   * Who asked, as older clients wrote it. The server does not read it: the audit log names
   * the connection that delivered the command.
   */
  by: z.string().optional(),
})
export type TimerCommand = z.infer<typeof TimerCommand>

export const SessionMeta = z.object({
  title: z.string(),
  description: z.string(),
  status: SessionStatusSchema,
  code: z.string(),
  createdAt: z.number(),
})
export type SessionMeta = z.infer<typeof SessionMeta>

export const Stage = z.object({
  currentItemId: z.string().nullable(),
  spotlightQuestionId: z.string().nullable(),
  timer: TimerState,
})
export type Stage = z.infer<typeof Stage>

export const PublicSnapshot = z.object({
  meta: SessionMeta,
  settings: SessionSettings,
  agenda: z.array(AgendaItem),
  stage: Stage,
  questions: z.array(Question),
  replies: z.array(Reply),
  labels: z.array(Label),
  participants: z.number().int().nonnegative(),
})
export type PublicSnapshot = z.infer<typeof PublicSnapshot>

export const PendingKind = {
  question: 'question',
  reply: 'reply',
  edit: 'edit',
  pollAnswer: 'poll-answer',
} as const
export type PendingKind = (typeof PendingKind)[keyof typeof PendingKind]

/**
 * A question or reply waiting for review in the moderators' document, or (`edit`) an
 * author's new text for a published question, which keeps its text until this is approved.
 * An edit's id is the outbox entry's; its `questionId` is the question edited.
 * A `poll-answer` is an open-text answer to the poll `pollId` while the session
 * pre-moderates; its id is the server's (one per answer written), since every author's
 * answer to a poll sits under the same outbox entry id.
 */
export const PendingItem = z.object({
  id: z.string(),
  kind: z.enum(['question', 'reply', 'edit', 'poll-answer']),
  /** For replies: the question replied to; for edits: the question edited. */
  questionId: z.string().nullable(),
  /** For poll answers: the poll answered. */
  pollId: z.string().nullable().optional(),
  text: z.string(),
  /** null when the item names nobody, as for questions: moderators do not see who wrote it. */
  authorId: z.string().nullable(),
  authorName: z.string().nullable(),
  createdAt: z.number(),
  /**
   * For edits: where this edit stands among its author's edits of the question, past every
   * edit of it decided before (a tick stamps all it decides with one `createdAt`, so that
   * cannot tell them apart). Items queued before it was written have none: their
   * `createdAt` stands in for it.
   */
  editOrder: z.number().optional(),
  /** Set by a moderator; the server carries it out and removes the item. */
  decision: z
    .object({
      action: z.enum(['approve', 'reject']),
      reason: z.string().max(Limits.reasonLength).optional(),
      by: z.string(),
      byName: z.string().nullable(),
      at: z.number(),
    })
    .nullable(),
})
export type PendingItem = z.infer<typeof PendingItem>

export const RejectedItem = PendingItem.omit({ decision: true }).extend({
  reason: z.string(),
  /** The moderator whose connection delivered the decision; null when the server could not tell. */
  by: z.string().nullable(),
  at: z.number(),
})
export type RejectedItem = z.infer<typeof RejectedItem>

/**
 * One line of a session's audit log, written by the server only (the `audit_log` table):
 * the actor is the user and role of the connection or token that made the change.
 */
export const AuditEntry = z.object({
  at: z.number(),
  /** null when the server could not tell who (a decision found in a document it loaded). */
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  actorRole: z.enum(['host', 'moderator', 'presenter', 'attendee']).nullable().optional(),
  action: z.string(),
  targetId: z.string().nullable(),
  detail: z.string().optional(),
})
export type AuditEntry = z.infer<typeof AuditEntry>

export const Attendee = z.object({
  name: z.string().nullable(),
  since: z.number(),
  online: z.boolean(),
})
export type Attendee = z.infer<typeof Attendee>
