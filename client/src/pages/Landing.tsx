import { Limits } from '@podium/shared'
import { useNavigate } from '@solidjs/router'
import { createSignal, onMount, Show } from 'solid-js'
import { AccountHeader } from '../account/AccountHeader.tsx'
import { homeFor, paths } from '../app/paths.ts'
import { ErrorNotice } from '../components/ErrorNotice.tsx'
import { messageOf } from '../components/errors.ts'
import { type AccountAuth, accountAuth } from '../lib/account.ts'
import { type Api, api as defaultApi } from '../lib/api.ts'
import { saveIdentity } from '../lib/identity.ts'
import { rememberSummary } from '../lib/session-summaries.ts'
import { tokenClaims } from '../lib/token-claims.ts'
import { CreatedSession } from './CreatedSession.tsx'
import { DeviceSessions } from './DeviceSessions.tsx'
import { JoinForm } from './JoinForm.tsx'

/** A session just created without an account, while its host link is shown. */
interface Created {
  id: string
  title: string
  hostLink: string
}

/**
 * Start a session as its host, or join one with a code; the sessions this device holds.
 * Created without an account, the session's private host link is shown before the console.
 */
export default function Landing(props: { api?: Api; auth?: AccountAuth }) {
  const api = props.api ?? defaultApi
  const navigate = useNavigate()
  const auth = props.auth ?? accountAuth()
  onMount(() => void auth.start())
  const [title, setTitle] = createSignal('')
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal<string | null>(null)
  const [created, setCreated] = createSignal<Created | null>(null)

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
      rememberSummary(created.id, {
        title: value,
        code: created.code,
        status: 'draft',
        checkedAt: Date.now(),
      })
      // Signed in, the account is the way back; as a guest, the host link is, shown once.
      if (created.hostLink) setCreated({ id: created.id, title: value, hostLink: created.hostLink })
      else navigate(homeFor('host', created.id))
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

        <Show
          when={created()}
          fallback={
            <>
              <DeviceSessions api={api} auth={auth} />
              <section class="card" aria-labelledby="join-heading">
                <h2 id="join-heading">Join a session</h2>
                <JoinForm
                  askCode
                  onJoined={(identity) => navigate(paths.room(identity.sessionId))}
                />
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
                Have an invite link? Open it to join as a moderator or presenter. Hosting without an
                account? Your private host link opens the host console on any device. What you type
                is kept on this device until it has been sent.
              </p>
            </>
          }
        >
          {(made) => (
            <>
              <CreatedSession
                title={made().title}
                hostLink={made().hostLink}
                consoleHref={homeFor('host', made().id)}
              />
              <DeviceSessions api={api} auth={auth} />
            </>
          )}
        </Show>
      </main>
    </>
  )
}
