import {
  InviteStatus,
  type InviteSummary,
  isRole,
  type Role,
  type StaffSummary,
} from '@podium/shared'
import { signToken } from '@podium/shared/token'
import type { Db } from '../db/connect.ts'
import { HttpProblem } from '../http/problem.ts'
import type { Services } from '../services.ts'
import { announceStaffRoom } from './staff-room.ts'

/**
 * Who runs a session, from the server's records: the invites the host made and what
 * became of each, the people who hold a staff role, and taking that role back. The host
 * console reads these after any reload; nothing here lives only in a browser.
 */

type InviteRole = InviteSummary['role']
const asInviteRole = (role: string): InviteRole =>
  role === 'presenter' ? 'presenter' : 'moderator'

function statusOf(
  row: { revoked: number; accepted_at: number | null; expires_at: number },
  now: number,
): InviteStatus {
  if (row.revoked) return InviteStatus.revoked
  if (row.accepted_at !== null) return InviteStatus.accepted
  if (Number(row.expires_at) <= now) return InviteStatus.expired
  return InviteStatus.pending
}

/**
 * A session's invites, newest first. An unused one comes with its link again (signed anew
 * with the same invite id, role and end), so the host can copy it after a reload.
 */
export async function listInvites(
  services: Pick<Services, 'db' | 'config'>,
  sessionId: string,
  baseUrl: string,
): Promise<InviteSummary[]> {
  const rows = await services.db.kysely
    .selectFrom('invites')
    .leftJoin('users', 'users.id', 'invites.accepted_by')
    .select([
      'invites.id as id',
      'invites.role as role',
      'invites.revoked as revoked',
      'invites.created_at as created_at',
      'invites.expires_at as expires_at',
      'invites.accepted_at as accepted_at',
      'invites.accepted_by as accepted_by',
      'users.name as accepted_name',
      'users.role as accepted_role',
    ])
    .where('invites.session_id', '=', sessionId)
    .orderBy('invites.created_at', 'desc')
    .orderBy('invites.id')
    .execute()
  const now = Date.now()
  return Promise.all(
    rows.map(async (row): Promise<InviteSummary> => {
      const status = statusOf(row, now)
      const role = asInviteRole(row.role)
      const expiresAt = Number(row.expires_at)
      const url =
        status === InviteStatus.pending
          ? `${baseUrl}/i/${await signToken(
              services.config.tokenSecret,
              { typ: 'invite', sid: sessionId, role, jti: row.id },
              Math.max(1, Math.floor((expiresAt - now) / 1000)),
            )}`
          : null
      return {
        id: row.id,
        role,
        status,
        createdAt: Number(row.created_at),
        expiresAt,
        acceptedAt: row.accepted_at === null ? null : Number(row.accepted_at),
        acceptedBy:
          row.accepted_by === null
            ? null
            : {
                userId: row.accepted_by,
                name: row.accepted_name ?? null,
                role: isRole(row.accepted_role ?? '') ? (row.accepted_role as Role) : 'attendee',
              },
        url,
      }
    }),
  )
}

/** Everyone who holds a staff role in the session, the host first, then by when they joined. */
export async function listStaff(db: Db, sessionId: string): Promise<StaffSummary[]> {
  const users = await db.kysely
    .selectFrom('users')
    .select(['id', 'name', 'role', 'created_at'])
    .where('session_id', '=', sessionId)
    .where('role', '!=', 'attendee')
    .execute()
  const invites = await db.kysely
    .selectFrom('invites')
    .select(['id', 'accepted_by', 'accepted_at'])
    .where('session_id', '=', sessionId)
    .where('accepted_by', 'is not', null)
    .execute()
  const byUser = new Map<string, { id: string; at: number }>()
  for (const invite of invites) {
    if (!invite.accepted_by) continue
    const at = Number(invite.accepted_at)
    const known = byUser.get(invite.accepted_by)
    if (!known || at > known.at) byUser.set(invite.accepted_by, { id: invite.id, at })
  }
  const staff = users.flatMap((user): StaffSummary[] => {
    if (user.role !== 'host' && user.role !== 'moderator' && user.role !== 'presenter') return []
    const invite = byUser.get(user.id)
    return [
      {
        userId: user.id,
        name: user.name,
        role: user.role,
        since: invite?.at ?? Number(user.created_at),
        inviteId: invite?.id ?? null,
      },
    ]
  })
  const rank = (s: StaffSummary) => (s.role === 'host' ? 0 : 1)
  return staff.sort((a, b) => rank(a) - rank(b) || a.since - b.since)
}

/** How a person is named in the history when their role is withdrawn. */
export function staffLabel(name: string | null, role: string): string {
  return name ? `${name} (${role})` : `an unnamed ${role}`
}

/**
 * Takes a staff role back: the user becomes an attendee, every invite they accepted is
 * revoked (it cannot be used again), their open connections close and the staff room
 * moves on without them. The host's own role cannot be taken back this way.
 * Returns how the history names them.
 */
export async function withdrawStaff(
  services: Services,
  sessionId: string,
  userId: string,
): Promise<string> {
  const label = await services.db.kysely.transaction().execute(async (trx) => {
    const user = await trx
      .selectFrom('users')
      .select(['name', 'role'])
      .where('id', '=', userId)
      .where('session_id', '=', sessionId)
      .executeTakeFirst()
    if (!user || user.role === 'attendee')
      throw HttpProblem.notFound(`Nobody with the id ${userId} is staff in this session.`)
    if (user.role === 'host')
      throw HttpProblem.conflict(
        "The host's role cannot be withdrawn. To hand the session over, invite the new person as a moderator or presenter.",
      )
    await trx
      .updateTable('users')
      .set({ role: 'attendee' })
      .where('id', '=', userId)
      .where('session_id', '=', sessionId)
      .execute()
    await trx
      .updateTable('invites')
      .set({ revoked: 1 })
      .where('session_id', '=', sessionId)
      .where('accepted_by', '=', userId)
      .execute()
    return staffLabel(user.name, user.role)
  })
  await services.withdrawals.withdraw(userId)
  await announceStaffRoom(services, sessionId)
  return label
}
