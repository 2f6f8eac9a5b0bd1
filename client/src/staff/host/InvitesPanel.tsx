import { EmailAddress, type InviteSummary, type StaffSummary } from '@podium/shared'
import { createSignal, For, Match, Show, Switch } from 'solid-js'
import { CopyButton } from '../../components/CopyButton.tsx'
import type { StaffRoom } from '../model/room.ts'
import { createStaffRecords, type InviteRole, type StaffApi } from './staff-records.ts'

const ROLE_TEXT: Record<InviteRole, string> = {
  moderator: 'Moderator: reviews and curates questions',
  presenter: 'Presenter: runs the stage, agenda and timer',
}
const ROLE_NAME: Record<StaffSummary['role'], string> = {
  host: 'Host',
  moderator: 'Moderator',
  presenter: 'Presenter',
}

const when = (at: number) =>
  new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })

/**
 * Staff and invites, from the server's records (they survive a reload and a visit to
 * another view): create signed invite links, see what became of each, and withdraw a
 * role, also from someone who already used their link.
 */
export function InvitesPanel(props: { room: StaffRoom; api?: StaffApi }) {
  const records = createStaffRecords(props.room, props.api)
  const [role, setRole] = createSignal<InviteRole>('moderator')
  const [email, setEmail] = createSignal('')
  const [busy, setBusy] = createSignal(false)
  const [mailed, setMailed] = createSignal<{ ok: boolean; text: string } | null>(null)

  const create = async (event: Event) => {
    event.preventDefault()
    setMailed(null)
    const typed = email().trim()
    const address = typed ? EmailAddress.safeParse(typed) : null
    if (address && !address.success) {
      setMailed({ ok: false, text: 'Enter an e-mail address such as ada@example.org, or none.' })
      return
    }
    setBusy(true)
    const made = await records.create(role(), address?.data)
    setBusy(false)
    if (!made || !address) return
    setEmail('')
    setMailed(
      made.emailed
        ? { ok: true, text: `The link is on its way to ${address.data}.` }
        : {
            ok: false,
            text: `The link was made, but not mailed: ${address.data} asked for no more invitations. Send the link another way.`,
          },
    )
  }

  return (
    <section class="panel invites" aria-labelledby="invites-heading">
      <h2 id="invites-heading">Staff and invites</h2>
      <form class="row invite-form" onSubmit={create} novalidate>
        <label class="st-field">
          <span>Role</span>
          <select value={role()} onChange={(e) => setRole(e.currentTarget.value as InviteRole)}>
            <option value="moderator">{ROLE_TEXT.moderator}</option>
            <option value="presenter">{ROLE_TEXT.presenter}</option>
          </select>
        </label>
        <label class="st-field invite-email">
          <span>E-mail it to (optional)</span>
          <input
            type="email"
            name="email"
            value={email()}
            onInput={(e) => setEmail(e.currentTarget.value)}
            autocomplete="off"
          />
        </label>
        <button type="submit" class="btn btn-primary" disabled={busy()} aria-busy={busy()}>
          {busy() ? 'Creating…' : email().trim() ? 'Create and send invite' : 'Create invite link'}
        </button>
      </form>
      <Show when={mailed()}>
        {(m) => (
          <p class={m().ok ? 'success' : 'error'} role={m().ok ? 'status' : 'alert'}>
            {m().text}
          </p>
        )}
      </Show>
      <p class="st-hint">
        Each link lets one person join as staff; send it privately. Revoking a link, or withdrawing
        someone's role below, takes the role back at once: their console closes.
      </p>
      <Show when={records.error()}>
        {(message) => (
          <div class="error" role="alert">
            <p>{message()}</p>
            <button type="button" class="btn btn-quiet" onClick={() => void records.refresh()}>
              Try again
            </button>
          </div>
        )}
      </Show>

      <h3 class="st-subheading">Staff</h3>
      <Show
        when={records.loaded()}
        fallback={<p class="st-empty">{records.error() ? '' : 'Loading the staff…'}</p>}
      >
        <ul class="staff-list">
          <For each={records.staff()}>
            {(member) => (
              <StaffRow
                member={member}
                you={member.userId === props.room.actor.userId}
                onWithdraw={() => records.withdraw(member.userId)}
              />
            )}
          </For>
        </ul>
      </Show>

      <h3 class="st-subheading">Invite links</h3>
      <Show
        when={records.invites().length > 0}
        fallback={
          <Show when={records.loaded()}>
            <p class="st-empty">No invites yet.</p>
          </Show>
        }
      >
        <ul class="invite-list">
          <For each={records.invites()}>
            {(invite) => (
              <InviteRow invite={invite} onRevoke={() => records.revokeInvite(invite.id)} />
            )}
          </For>
        </ul>
      </Show>
    </section>
  )
}

/** One staff member: who, which role, since when; the host may withdraw anyone's role but their own. */
function StaffRow(props: {
  member: StaffSummary
  you: boolean
  onWithdraw: () => Promise<boolean>
}) {
  const [confirming, setConfirming] = createSignal(false)
  const name = () => props.member.name ?? 'No name given'
  return (
    <li>
      <span class="staff-who">
        <strong dir="auto">{name()}</strong>
        <Show when={props.you}> (you)</Show>
      </span>
      <span class="st-badge">{ROLE_NAME[props.member.role]}</span>
      <span class="staff-since">since {when(props.member.since)}</span>
      <Show when={props.member.role !== 'host'}>
        <Show
          when={confirming()}
          fallback={
            <button
              type="button"
              class="btn btn-quiet btn-danger-text"
              onClick={() => setConfirming(true)}
            >
              Withdraw role…
            </button>
          }
        >
          <fieldset class="confirm">
            <legend>
              Withdraw <span dir="auto">{name()}</span>'s {props.member.role} role? Their console
              closes at once.
            </legend>
            <div class="row">
              <button
                type="button"
                class="btn btn-danger"
                onClick={async () => {
                  if (await props.onWithdraw()) setConfirming(false)
                }}
              >
                Withdraw
              </button>
              <button type="button" class="btn" onClick={() => setConfirming(false)}>
                Keep
              </button>
            </div>
          </fieldset>
        </Show>
      </Show>
    </li>
  )
}

/** One invite link and what became of it. */
function InviteRow(props: { invite: InviteSummary; onRevoke: () => Promise<boolean> }) {
  const role = () => (props.invite.role === 'moderator' ? 'Moderator' : 'Presenter')
  const used = () => props.invite.acceptedBy
  const stillStaff = () => used()?.role === props.invite.role
  return (
    <li data-status={props.invite.status}>
      <Switch>
        <Match when={props.invite.status === 'pending' && props.invite.url}>
          {(url) => (
            <>
              <label class="st-field">
                <span>
                  {role()} link, not used yet, valid until {when(props.invite.expiresAt)}
                </span>
                <input
                  type="text"
                  readOnly
                  value={url()}
                  onFocus={(e) => e.currentTarget.select()}
                />
              </label>
              <CopyButton text={url()} label="Copy link" />
              <button
                type="button"
                class="btn btn-quiet btn-danger-text"
                onClick={() => void props.onRevoke()}
              >
                Revoke
              </button>
            </>
          )}
        </Match>
        <Match when={props.invite.status === 'accepted' && used()}>
          {(by) => (
            <>
              <span class="invite-state">
                {role()} link, used by{' '}
                <strong dir="auto">{by().name ?? 'someone without a name'}</strong>
                {props.invite.acceptedAt ? ` on ${when(props.invite.acceptedAt)}` : ''}
              </span>
              <Show when={stillStaff()}>
                <button
                  type="button"
                  class="btn btn-quiet btn-danger-text"
                  onClick={() => void props.onRevoke()}
                >
                  Revoke<span class="visually-hidden"> and take the role back</span>
                </button>
              </Show>
            </>
          )}
        </Match>
        <Match when={props.invite.status === 'revoked'}>
          <span class="invite-state">
            {role()} link{' '}
            <Show when={used()} fallback="">
              {(by) => (
                <>
                  used by <strong dir="auto">{by().name ?? 'someone without a name'}</strong>,{' '}
                </>
              )}
            </Show>
            <span class="st-badge st-badge-muted">Revoked</span>
          </span>
        </Match>
        <Match when={props.invite.status === 'expired'}>
          <span class="invite-state">
            {role()} link, expired unused on {when(props.invite.expiresAt)}{' '}
            <span class="st-badge st-badge-muted">Expired</span>
          </span>
        </Match>
      </Switch>
    </li>
  )
}
