import { z } from 'zod'
import { AuditEntry } from '../doc/schema.ts'
import { EmailAddress } from './accounts.ts'
import { TicketSettings } from './billing.ts'
import { Limits } from './limits.ts'
import { Schedule } from './notifications.ts'
import { SessionSettings, SessionStatusSchema } from './settings.ts'

const trimmed = (max: number, what: string) =>
  z
    .string({ error: `${what} must be text` })
    .trim()
    .min(1, `${what} must not be empty`)
    .max(max, `${what} must be at most ${max} characters`)

export const CreateSessionBody = z.object({
  title: trimmed(Limits.titleLength, 'title'),
  description: z.string().trim().max(Limits.descriptionLength).optional(),
  hostName: z.string().trim().max(Limits.nameLength).optional(),
  settings: SessionSettings.partial().optional(),
})
export type CreateSessionBody = z.infer<typeof CreateSessionBody>

export const CreateSessionResponse = z.object({
  id: z.string(),
  code: z.string(),
  hostToken: z.string(),
  hostUserId: z.string(),
  joinUrl: z.string(),
  /**
   * The private host link (`<origin>/h/<token>`), for a session created without an
   * account: it opens the host console on any device. Shown once; only its hash is kept.
   */
  hostLink: z.string().optional(),
})
export type CreateSessionResponse = z.infer<typeof CreateSessionResponse>

/** A host link's token: 32 random bytes, base64url (what `/h/<token>` carries). */
export const HOST_LINK_TOKEN = /^[A-Za-z0-9_-]{43}$/

/** POST /api/host-link: exchanges a host link's token for the host's access. */
export const HostLinkBody = z.object({
  token: z
    .string({ error: 'token must be the text after /h/ in the host link' })
    .regex(
      HOST_LINK_TOKEN,
      'this is not a host link: its token is 43 letters, digits, - or _ (check that the whole link was copied)',
    ),
})
export type HostLinkBody = z.infer<typeof HostLinkBody>

/** POST /api/sessions/:id/host-link: a new host link; the one before stops working. */
export const HostLinkIssued = z.object({
  hostLink: z.string(),
  issuedAt: z.number(),
})
export type HostLinkIssued = z.infer<typeof HostLinkIssued>

export const JoinBody = z.object({
  code: trimmed(32, 'code'),
  name: z
    .string()
    .trim()
    .max(Limits.nameLength, `name must be at most ${Limits.nameLength} characters`)
    .optional(),
})
export type JoinBody = z.infer<typeof JoinBody>

export const JoinResponse = z.object({
  sessionId: z.string(),
  userId: z.string(),
  token: z.string(),
  role: z.enum(['host', 'moderator', 'presenter', 'attendee']),
  name: z.string().nullable(),
})
export type JoinResponse = z.infer<typeof JoinResponse>

export const SettingsPatch = SessionSettings.partial()
  .extend({
    /** A paid session's ticket; null makes the session free again (see docs/payments.md). */
    ticket: TicketSettings.nullable().optional(),
  })
  .strict()
export type SettingsPatch = z.infer<typeof SettingsPatch>

export const StatusBody = z.object({ status: SessionStatusSchema })

export const CreateInviteBody = z.object({
  role: z.enum(['moderator', 'presenter']),
  /** How long the link stays valid, in hours (default a week). */
  expiresInHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .optional(),
  /** Also send the link to this address (the invite is made either way). */
  email: EmailAddress.optional(),
})
export const CreateInviteResponse = z.object({
  /** The invite's id, for DELETE /api/sessions/:id/invites/:inviteId. */
  id: z.string(),
  invite: z.string(),
  url: z.string(),
  expiresAt: z.number(),
  /** The link was queued to the `email` the request gave. */
  emailed: z.boolean().optional(),
})

export const AcceptInviteBody = z.object({
  invite: z.string().min(10).max(4096),
  name: z.string().trim().max(Limits.nameLength).optional(),
})

export const ServerTime = z.object({ now: z.number() })
export type ServerTime = z.infer<typeof ServerTime>

/** GET /api/sessions/:id */
export const SessionInfo = z.object({
  id: z.string(),
  code: z.string(),
  title: z.string(),
  status: SessionStatusSchema,
  settings: SessionSettings.extend({ ticket: TicketSettings.nullable().optional() }),
  joinUrl: z.string(),
  /** When it is scheduled to start (PUT /api/sessions/:id/schedule); null when not set. */
  schedule: Schedule.nullable().optional(),
})
export type SessionInfo = z.infer<typeof SessionInfo>

/** What a checkpoint was taken for. */
export const CheckpointReason = {
  status: 'status',
  agenda: 'agenda',
  interval: 'interval',
  manual: 'manual',
  beforeRestore: 'before-restore',
} as const
export type CheckpointReason = (typeof CheckpointReason)[keyof typeof CheckpointReason]

export const CheckpointSummary = z.object({
  id: z.string(),
  reason: z.string(),
  createdAt: z.number(),
})
export type CheckpointSummary = z.infer<typeof CheckpointSummary>

/** POST /api/sessions/:id/checkpoints/:checkpointId/restore */
export const RestoreResponse = z.object({
  restored: z.string(),
  /** The checkpoint of the state just before the restore (to undo it). */
  before: CheckpointSummary,
})
export type RestoreResponse = z.infer<typeof RestoreResponse>

/** GET /api/sessions/:id/audit?limit= : the newest `limit` entries (default and most: 5,000), oldest first. */
export const AUDIT_PAGE_MAX = 5_000
export const AuditQuery = z.object({
  limit: z.coerce
    .number({ error: 'limit must be a number' })
    .int('limit must be a whole number')
    .min(1, 'limit must be at least 1')
    .max(AUDIT_PAGE_MAX, `limit must be at most ${AUDIT_PAGE_MAX}`)
    .optional(),
})
export const AuditLog = z.object({ entries: z.array(AuditEntry) })
export type AuditLog = z.infer<typeof AuditLog>

export * from './export.ts'

/** RFC 9457 problem details: every API error has this shape. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  detail: z.string(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
})
export type Problem = z.infer<typeof Problem>

/** One question of a room preview: what its item shows before the document is there. */
export const PreviewQuestion = z.object({
  id: z.string(),
  text: z.string(),
  authorName: z.string().nullable(),
  votes: z.number().int().nonnegative(),
  answered: z.boolean(),
  pinned: z.boolean(),
  edited: z.boolean(),
  /** Visible replies. */
  replies: z.number().int().nonnegative(),
  /** Asked by the caller. */
  mine: z.boolean(),
})
export type PreviewQuestion = z.infer<typeof PreviewQuestion>

/**
 * GET /api/sessions/:id/preview: the top of the room's question list (Popular, all) as
 * the server has it, so a first visit shows it while the whole document is on its way.
 */
export const RoomPreview = z.object({
  title: z.string(),
  /** Published questions in all; `questions` holds the first of them. */
  total: z.number().int().nonnegative(),
  spotlightQuestionId: z.string().nullable(),
  questions: z.array(PreviewQuestion),
})
export type RoomPreview = z.infer<typeof RoomPreview>
