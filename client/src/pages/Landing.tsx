import { Limits } from '@podium/shared'
import { useNavigate } from '@solidjs/router'
import { createSignal, onMount } from 'solid-js'
import { AccountHeader } from '../account/AccountHeader.tsx'
import { homeFor, paths } from '../app/paths.ts'
import { ErrorNotice } from '../components/ErrorNotice.tsx'
import { messageOf } from '../components/errors.ts'
import { accountAuth } from '../lib/account.ts'
import { api } from '../lib/api.ts'
import { saveIdentity } from '../lib/identity.ts'
import { tokenClaims } from '../lib/token-claims.ts'
import { JoinForm } from './JoinForm.tsx'

/** Start a session as its host, or join one with a code. */
export default function Landing() {
  const navigate = useNavigate()
  const auth = accountAuth()
  onMount(() => void auth.start())
  const [title, setTitle] = createSignal('')
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal<string | null>(null)

  const create = async (event: SubmitEvent) => {
    event.preventDefault()
    const value = title().trim()
    if (!value) {
      setError('Give your session a title.')
      return
    }
    setBusy(true)
    setError(null)
    try {
      const created = await api.createSession({ title: value }, await auth.tokenIfSignedIn())
      saveIdentity({
        sessionId: created.id,
        userId: created.hostUserId,
        token: created.hostToken,
        role: 'host',
        name: tokenClaims(created.hostToken)?.name ?? null,
      })
      navigate(homeFor('host', created.id))
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <>
      <AccountHeader auth={auth} showBrand={false} />
      <main id="main" class="page page-narrow">
        <header class="hero">
          <h1>Podium</h1>
          <p class="lead">Questions, votes and a stage for live sessions — even on flaky Wi-Fi.</p>
        </header>

        <section class="card" aria-labelledby="join-heading">
          <h2 id="join-heading">Join a session</h2>
          <JoinForm askCode onJoined={(identity) => navigate(paths.room(identity.sessionId))} />
        </section>

        <section class="card" aria-labelledby="create-heading">
          <h2 id="create-heading">Start a session</h2>
          <form onSubmit={create} novalidate>
            <label class="field">
              <span>Session title</span>
              <input
                name="title"
                value={title()}
                onInput={(e) => setTitle(e.currentTarget.value)}
                maxLength={Limits.titleLength}
                autocomplete="off"
                required
                aria-describedby={error() ? 'create-error' : undefined}
              />
            </label>
            <ErrorNotice id="create-error" message={error()} />
            <button class="button button-primary" type="submit" disabled={busy()}>
              {busy() ? 'Creating…' : 'Create session'}
            </button>
          </form>
        </section>
        <p class="fine-print">
          Have an invite link? Open it to join as a moderator or presenter. What you type is kept on
          this device until it has been sent.
        </p>
      </main>
    </>
  )
}
