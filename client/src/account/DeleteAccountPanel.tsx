import { useNavigate } from '@solidjs/router'
import { createSignal, Show } from 'solid-js'
import { ErrorNotice } from '../components/ErrorNotice.tsx'
import { messageOf } from '../components/errors.ts'
import type { AccountAuth, AccountInfo } from '../lib/account.ts'
import type { Api } from '../lib/api.ts'

/** Deleting the account, after saying what goes and what stays, and asking for the address. */
export function DeleteAccountPanel(props: { api: Api; auth: AccountAuth; account: AccountInfo }) {
  const navigate = useNavigate()
  const [asking, setAsking] = createSignal(false)
  const [typed, setTyped] = createSignal('')
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal<string | null>(null)
  const confirmed = () => typed().trim().toLowerCase() === props.account.email.toLowerCase()

  const remove = async (event: SubmitEvent) => {
    event.preventDefault()
    if (!confirmed()) {
      setError('Type your e-mail address exactly to confirm.')
      return
    }
    setBusy(true)
    setError(null)
    try {
      await props.api.delete('/me', await props.auth.accessToken())
      props.auth.deleted()
      navigate('/signin?out=deleted', { replace: true })
    } catch (e) {
      setError(messageOf(e))
      setBusy(false)
    }
  }

  return (
    <section class="card danger-zone" aria-labelledby="delete-heading">
      <h2 id="delete-heading">Delete your account</h2>
      <p>
        Removes your account, its sign-ins and every device. Your questions and replies stay in
        their sessions, shown as “Former participant”. Sessions you host stay too, but nobody can
        open their host console any more: delete them first on My sessions if they should go.
      </p>
      <Show
        when={asking()}
        fallback={
          <button type="button" class="button button-danger" onClick={() => setAsking(true)}>
            Delete my account…
          </button>
        }
      >
        <form onSubmit={remove} novalidate>
          <label class="field">
            <span>Type {props.account.email} to confirm</span>
            <input
              name="confirm-email"
              type="email"
              value={typed()}
              onInput={(e) => setTyped(e.currentTarget.value)}
              autocomplete="off"
            />
          </label>
          <ErrorNotice message={error()} />
          <div class="button-row">
            <button type="submit" class="button button-danger" disabled={busy() || !confirmed()}>
              {busy() ? 'Deleting…' : 'Delete my account'}
            </button>
            <button type="button" class="button" onClick={() => setAsking(false)}>
              Cancel
            </button>
          </div>
        </form>
      </Show>
    </section>
  )
}
