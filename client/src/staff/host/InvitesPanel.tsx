import { CreateInviteResponse } from '@podium/shared'
import { createSignal, For, Show } from 'solid-js'
import type { z } from 'zod'
import { ApiError, api } from '../../lib/api.ts'
import type { StaffRoom } from '../model/room.ts'
import { CopyButton } from '../ui/CopyButton.tsx'

type InviteRole = 'moderator' | 'presenter'
type Invite = z.infer<typeof CreateInviteResponse> & { role: InviteRole; revoked: boolean }

const ROLE_TEXT: Record<InviteRole, string> = {
  moderator: 'Moderator: reviews and curates questions',
  presenter: 'Presenter: runs the stage, agenda and timer',
}

/** Creates signed invite links for moderators and presenters (needs the server). */
export function InvitesPanel(props: {
  room: StaffRoom
  api?: Pick<typeof api, 'post' | 'delete'>
}) {
  const client = () => props.api ?? api
  const [role, setRole] = createSignal<InviteRole>('moderator')
  const [invites, setInvites] = createSignal<Invite[]>([])
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal<string | null>(null)

  const create = async (event: Event) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const invite = await client().post(
        `/api/sessions/${encodeURIComponent(props.room.sessionId)}/invites`,
        { role: role() },
        props.room.token,
        CreateInviteResponse,
      )
      setInvites([{ ...invite, role: role(), revoked: false }, ...invites()])
    } catch (cause) {
      setError(
        cause instanceof ApiError ? cause.message : 'Could not create the invite. Try again.',
      )
    } finally {
      setBusy(false)
    }
  }

  /** An unused link stops working at once (the server keeps each invite as a row). */
  const revoke = async (invite: Invite) => {
    setError(null)
    try {
      await client().delete(
        `/api/sessions/${encodeURIComponent(props.room.sessionId)}/invites/${encodeURIComponent(invite.id)}`,
        props.room.token,
      )
      setInvites(invites().map((i) => (i.id === invite.id ? { ...i, revoked: true } : i)))
    } catch (cause) {
      setError(
        cause instanceof ApiError ? cause.message : 'Could not revoke the invite. Try again.',
      )
    }
  }

  return (
    <section class="panel invites" aria-labelledby="invites-heading">
      <h2 id="invites-heading">Invite staff</h2>
      <form class="row" onSubmit={create}>
        <label class="st-field">
          <span>Role</span>
          <select value={role()} onChange={(e) => setRole(e.currentTarget.value as InviteRole)}>
            <option value="moderator">{ROLE_TEXT.moderator}</option>
            <option value="presenter">{ROLE_TEXT.presenter}</option>
          </select>
        </label>
        <button type="submit" class="btn btn-primary" disabled={busy()} aria-busy={busy()}>
          {busy() ? 'Creating…' : 'Create invite link'}
        </button>
      </form>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
      <Show
        when={invites().length > 0}
        fallback={
          <p class="st-empty">
            Each link lets one person join as staff. Send it privately; anyone with it gets the
            role. Revoking a link takes the role back, also from someone who already used it.
          </p>
        }
      >
        <ul class="invite-list">
          <For each={invites()}>
            {(invite, index) => (
              <li>
                <label class="st-field">
                  <span>
                    {invite.role === 'moderator' ? 'Moderator' : 'Presenter'} link, valid until{' '}
                    {new Date(invite.expiresAt).toLocaleString()}
                  </span>
                  <input
                    type="text"
                    readOnly
                    value={invite.url}
                    onFocus={(e) => e.currentTarget.select()}
                    id={`invite-${index()}`}
                  />
                </label>
                <Show
                  when={!invite.revoked}
                  fallback={<span class="st-badge st-badge-muted">Revoked</span>}
                >
                  <CopyButton text={invite.url} label="Copy link" />
                  <button
                    type="button"
                    class="btn btn-quiet btn-danger-text"
                    onClick={() => revoke(invite)}
                  >
                    Revoke
                  </button>
                </Show>
              </li>
            )}
          </For>
        </ul>
        <p class="st-hint">
          Revoking a link takes the role back, also from someone who already used it: their console
          closes.
        </p>
      </Show>
    </section>
  )
}
