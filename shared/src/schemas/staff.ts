import { z } from 'zod'
import { Limits } from './limits.ts'

/**
 * Who runs a session, as the host manages it: invites with what became of them, the staff
 * they made, the invite page's preview, and a participant's own name.
 */

const InviteRole = z.enum(['moderator', 'presenter'])
const AnyRole = z.enum(['host', 'moderator', 'presenter', 'attendee'])

/** Where an invite stands: unused, used by someone, taken back by the host, or out of date. */
export const InviteStatus = {
  pending: 'pending',
  accepted: 'accepted',
  revoked: 'revoked',
  expired: 'expired',
} as const
export type InviteStatus = (typeof InviteStatus)[keyof typeof InviteStatus]

/** One invite as the host sees it (GET /api/sessions/:id/invites). */
export const InviteSummary = z.object({
  id: z.string(),
  role: InviteRole,
  status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
  createdAt: z.number(),
  expiresAt: z.number(),
  acceptedAt: z.number().nullable(),
  /** Who used it, with the role they hold now (attendee once it is taken back). */
  acceptedBy: z
    .object({ userId: z.string(), name: z.string().nullable(), role: AnyRole })
    .nullable(),
  /** The link to send, while it can still be used; null otherwise. */
  url: z.string().nullable(),
})
export type InviteSummary = z.infer<typeof InviteSummary>
export const InviteList = z.object({ invites: z.array(InviteSummary) })
export type InviteList = z.infer<typeof InviteList>

/** One person with a staff role (GET /api/sessions/:id/staff). */
export const StaffSummary = z.object({
  userId: z.string(),
  name: z.string().nullable(),
  role: z.enum(['host', 'moderator', 'presenter']),
  since: z.number(),
  /** The invite that made them staff; null for the host. */
  inviteId: z.string().nullable(),
})
export type StaffSummary = z.infer<typeof StaffSummary>
export const StaffList = z.object({ staff: z.array(StaffSummary) })
export type StaffList = z.infer<typeof StaffList>

/** POST /api/invites/preview: what an invite is for, before anyone accepts it. */
export const InvitePreviewBody = z.object({ invite: z.string().min(10).max(4096) })
export const InvitePreview = z.object({
  sessionId: z.string(),
  title: z.string(),
  role: InviteRole,
  expiresAt: z.number(),
})
export type InvitePreview = z.infer<typeof InvitePreview>

/** PATCH /api/sessions/:id/me: the name a participant is shown under, from now on. */
export const RenameBody = z.object({
  name: z
    .string({ error: 'name must be text' })
    .trim()
    .min(1, 'name must not be empty')
    .max(Limits.nameLength, `name must be at most ${Limits.nameLength} characters`),
})
export type RenameBody = z.infer<typeof RenameBody>
