import {
  CreateInviteResponse,
  InviteList,
  type InviteSummary,
  StaffList,
  type StaffSummary,
} from '@podium/shared'
import { type Accessor, createSignal, onCleanup } from 'solid-js'
import { ApiError, api } from '../../lib/api.ts'
import type { StaffRoom } from '../model/room.ts'

export type InviteRole = InviteSummary['role']
export type StaffApi = Pick<typeof api, 'get' | 'post' | 'delete'>

export interface StaffRecords {
  invites: Accessor<InviteSummary[]>
  staff: Accessor<StaffSummary[]>
  /** Whether the lists have been read from the server at least once. */
  loaded: Accessor<boolean>
  /** Why the last request failed, in words a person can act on; null when it did not. */
  error: Accessor<string | null>
  refresh(): Promise<void>
  /** Makes a link; with `email`, the server mails it too. What became of the mail, or false. */
  create(role: InviteRole, email?: string): Promise<{ emailed: boolean | null } | false>
  revokeInvite(id: string): Promise<boolean>
  withdraw(userId: string): Promise<boolean>
}

const failure = (cause: unknown, doing: string) =>
  cause instanceof ApiError && cause.status !== 0
    ? cause.message
    : `Could not ${doing}: the server cannot be reached. Check the connection and try again.`

/**
 * The invites and staff of a session as the server records them (host only). Read when
 * the console opens and again after each change, and whenever the staff list changes
 * elsewhere (an invite accepted: the moderators' document names a new staff room).
 */
export function createStaffRecords(room: StaffRoom, client: StaffApi = api): StaffRecords {
  const base = `/api/sessions/${encodeURIComponent(room.sessionId)}`
  const [invites, setInvites] = createSignal<InviteSummary[]>([])
  const [staff, setStaff] = createSignal<StaffSummary[]>([])
  const [loaded, setLoaded] = createSignal(false)
  const [error, setError] = createSignal<string | null>(null)

  const refresh = async () => {
    try {
      const [i, s] = await Promise.all([
        client.get(`${base}/invites`, room.token, InviteList),
        client.get(`${base}/staff`, room.token, StaffList),
      ])
      setInvites(i.invites)
      setStaff(s.staff)
      setLoaded(true)
      setError(null)
    } catch (cause) {
      setError(failure(cause, 'load the staff and invites'))
    }
  }

  /** Runs a change, then reads the lists again; false (with the reason shown) when refused. */
  const change = async (run: () => Promise<unknown>, doing: string) => {
    setError(null)
    try {
      await run()
    } catch (cause) {
      setError(failure(cause, doing))
      return false
    }
    await refresh()
    return true
  }

  void refresh()
  onCleanup(room.mod.observePeerRoom(() => void refresh()))

  return {
    invites,
    staff,
    loaded,
    error,
    refresh,
    create: async (role, email) => {
      let emailed: boolean | null = null
      const made = await change(async () => {
        const created = await client.post(
          `${base}/invites`,
          email ? { role, email } : { role },
          room.token,
          CreateInviteResponse,
        )
        emailed = created.emailed ?? null
        // Shown at once; the read that follows brings the server's record of it.
        const now = room.serverNow()
        setInvites([
          {
            id: created.id,
            role,
            status: 'pending',
            createdAt: now,
            expiresAt: created.expiresAt,
            acceptedAt: null,
            acceptedBy: null,
            url: created.url,
          },
          ...invites().filter((i) => i.id !== created.id),
        ])
      }, 'create the invite')
      return made ? { emailed } : false
    },
    revokeInvite: (id) =>
      change(
        () => client.delete(`${base}/invites/${encodeURIComponent(id)}`, room.token),
        'revoke the invite',
      ),
    withdraw: (userId) =>
      change(
        () => client.delete(`${base}/staff/${encodeURIComponent(userId)}`, room.token),
        'withdraw the role',
      ),
  }
}
