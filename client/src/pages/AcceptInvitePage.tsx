import { Limits } from '@podium/shared'
import { useNavigate, useParams } from '@solidjs/router'
import { createSignal } from 'solid-js'
import { homeFor } from '../app/paths.ts'
import { ErrorNotice } from '../components/ErrorNotice.tsx'
import { messageOf } from '../components/errors.ts'
import { accountAuth } from '../lib/account.ts'
import { api } from '../lib/api.ts'
import { saveIdentity } from '../lib/identity.ts'

/** `/i/<invite>`: a signed invitation to moderate or present. */
export default function AcceptInvitePage() {
  const params = useParams<{ invite: string }>()
  const navigate = useNavigate()
  const [name, setName] = createSignal('')
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal<string | null>(null)

  const accept = async (event: SubmitEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const trimmed = name().trim()
      const identity = await api.acceptInvite(
        { invite: params.invite ?? '', ...(trimmed ? { name: trimmed } : {}) },
        await accountAuth().tokenIfSignedIn(),
      )
      saveIdentity(identity)
      navigate(homeFor(identity.role, identity.sessionId), { replace: true })
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <main id="main" class="page page-narrow">
      <section class="card" aria-labelledby="invite-heading">
        <h1 id="invite-heading">You are invited to help run a session</h1>
        <form onSubmit={accept} novalidate>
          <label class="field">
            <span>Your name</span>
            <input
              name="name"
              value={name()}
              onInput={(e) => setName(e.currentTarget.value)}
              maxLength={Limits.nameLength}
              autocomplete="name"
            />
          </label>
          <ErrorNotice message={error()} />
          <button class="button button-primary" type="submit" disabled={busy()}>
            {busy() ? 'Accepting…' : 'Accept invitation'}
          </button>
        </form>
      </section>
    </main>
  )
}
