import { Limits } from '@podium/shared'
import { useNavigate } from '@solidjs/router'
import { createSignal } from 'solid-js'
import { homeFor, paths } from '../app/paths.ts'
import { ErrorNotice } from '../components/ErrorNotice.tsx'
import { messageOf } from '../components/errors.ts'
import { api } from '../lib/api.ts'
import { saveIdentity } from '../lib/identity.ts'
import { JoinForm } from './JoinForm.tsx'

/** Start a session as its host, or join one with a code. */
export default function Landing() {
  const navigate = useNavigate()
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
      const created = await api.createSession({ title: value })
      saveIdentity({
        sessionId: created.id,
        userId: created.hostUserId,
        token: created.hostToken,
        role: 'host',
        name: null,
      })
      navigate(homeFor('host', created.id))
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }

  return (
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
  )
}
