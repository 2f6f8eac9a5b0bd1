import { z } from 'zod'
import { RaisedHand } from '../doc/hands.ts'
import {
  AgendaItem,
  AuditEntry,
  Label,
  PendingItem,
  PublicSnapshot,
  Question,
  RejectedItem,
  Reply,
  SessionMeta,
} from '../doc/schema.ts'
import { Limits } from './limits.ts'
import { PollExport } from './polls.ts'
import { ReactionCounts } from './reactions.ts'

/** What a session export (and so an import) may hold at most. */
export const ExportLimits = {
  questions: 20_000,
  replies: 50_000,
  labels: 500,
  queue: 20_000,
  rejected: 20_000,
  notes: 20_000,
  noteLength: 5_000,
  audit: 20_000,
  /** One window a second with reactions in it: a day of them. */
  reactionWindows: 86_400,
  hands: 20_000,
  idLength: 80,
} as const

export const EXPORT_FORMAT = 'podium.session'
export const EXPORT_VERSION = 1

const id = z.string().min(1).max(ExportLimits.idLength)

/** The session's reactions: its totals and each second's counts (all instances added up). */
export const ReactionsExport = z.object({
  totals: ReactionCounts,
  windows: z
    .array(
      z.object({
        second: z.number().int().nonnegative(),
        counts: ReactionCounts,
        total: z.number().int().nonnegative(),
      }),
    )
    .max(ExportLimits.reactionWindows),
})
export type ReactionsExport = z.infer<typeof ReactionsExport>

/**
 * A whole session as JSON (GET /api/sessions/:id/export.json), and the body of
 * POST /api/sessions/import: the public document's snapshot and the moderators' data.
 */
export const SessionExport = z.object({
  format: z.literal(EXPORT_FORMAT, { error: `format must be "${EXPORT_FORMAT}"` }),
  version: z.literal(EXPORT_VERSION, {
    error: `version must be ${EXPORT_VERSION} (this server reads version ${EXPORT_VERSION} exports)`,
  }),
  exportedAt: z.number().int().nonnegative(),
  public: PublicSnapshot.extend({
    meta: SessionMeta.extend({
      title: z
        .string()
        .trim()
        .min(1, 'title must not be empty')
        .max(Limits.titleLength, `title must be at most ${Limits.titleLength} characters`),
      description: z.string().max(Limits.descriptionLength),
    }),
    agenda: z.array(AgendaItem.extend({ id })).max(Limits.agendaItems),
    questions: z
      .array(Question.extend({ id, authorId: id.nullable() }))
      .max(ExportLimits.questions),
    replies: z
      .array(Reply.extend({ id, questionId: id, authorId: id.nullable() }))
      .max(ExportLimits.replies),
    labels: z.array(Label.extend({ id })).max(ExportLimits.labels),
  }),
  mod: z.object({
    queue: z.array(PendingItem).max(ExportLimits.queue),
    rejected: z.array(RejectedItem).max(ExportLimits.rejected),
    notes: z
      .record(id, z.string().max(ExportLimits.noteLength))
      .refine((notes) => Object.keys(notes).length <= ExportLimits.notes, {
        message: `at most ${ExportLimits.notes} notes`,
      }),
    audit: z.array(AuditEntry).max(ExportLimits.audit),
  }),
  /** Polls with their answers (an import brings the polls back as drafts, without answers). */
  polls: z.array(PollExport).max(1_000).optional(),
  /** Reactions counted in the session (absent in exports older than them). */
  reactions: ReactionsExport.optional(),
  /** The raised hands in the moderators' queue, waiting and called on. */
  hands: z
    .array(RaisedHand.extend({ userId: id, calledBy: id.nullable() }))
    .max(ExportLimits.hands)
    .optional(),
})
export type SessionExport = z.infer<typeof SessionExport>
