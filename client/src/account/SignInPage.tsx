import { AuthProvider, EmailAddress, isLocalPath } from '@podium/shared'
import { A, useNavigate, useSearchParams } from '@solidjs/router'
import {
  createEffect,
  createResource,
  createSignal,
  For,
  Match,
  onMount,
  Show,
  Switch,
} from 'solid-js'
import { z } from 'zod'
import { paths } from '../app/paths.ts'
import { ErrorNotice } from '../components/ErrorNotice.tsx'
import { messageOf } from '../components/errors.ts'
import { type AccountAuth, accountAuth } from '../lib/account.ts'
import { type Api, api as defaultApi } from '../lib/api.ts'
import { AccountHeader } from './AccountHeader.tsx'
import { signInFailure } from './sign-in-errors.ts'
import './account.css'

const ProvidersResponse = z.object({ providers: z.array(AuthProvider) })

/** What the page says after signing out (`?out=`), see SignOutPanel and DeleteAccountPanel. */
const SIGNED_OUT_TEXT: Record<string, string> = {
  kept: 'You signed out of this device. The sessions stored here stay readable offline.',
  wiped: 'You signed out of this device, and the sessions it stored were wiped from it.',
  'wiped-partly':
    'You signed out of this device. Sessions still open in another tab could not be wiped yet: close that tab and sign out again to wipe them.',
  deleted: 'Your account was deleted. You can still join sessions with a code.',
}

/** `/signin`: an e-mail link, or a button per configured provider. */
export default function SignInPage(props: { api?: Api; auth?: AccountAuth }) {
  const api = props.api ?? defaultApi
  const auth = props.auth ?? accountAuth()
  const navigate = useNavigate()
  const [params] = useSearchParams<{ error?: string; returnTo?: string; out?: string }>()
  const returnTo = () => {
    const value = params.returnTo
    return value && isLocalPath(value) ? value : paths.mySessions()
  }
  const failure = () => signInFailure(params.error)
  const farewell = () => SIGNED_OUT_TEXT[params.out ?? ''] ?? null

  const [providers] = createResource(async () => {
    try {
      return (await api.get('/auth/providers', null, ProvidersResponse)).providers
    } catch {
      // Offline or a server in trouble: the e-mail form still says what happens.
      return [{ id: 'email', name: 'E-mail' }] satisfies AuthProvider[]
    }
  })
  const others = () => (providers() ?? []).filter((p) => p.id !== 'email')

  const [email, setEmail] = createSignal('')
  const [sentTo, setSentTo] = createSignal<string | null>(null)
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal<string | null>(null)

  onMount(() => void auth.start())
  // The link was opened in another tab of this browser: this one follows.
  createEffect(() => {
    if (sentTo() && auth.state().status === 'signed-in') navigate(returnTo(), { replace: true })
  })

  const [sends, setSends] = createSignal(0)
  const sendTo = async (address: string) => {
    setBusy(true)
    setError(null)
    try {
      await api.post('/auth/email', { email: address, returnTo: returnTo() })
      setSentTo(address)
      setSends((n) => n + 1)
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }
  const send = (event: SubmitEvent) => {
    event.preventDefault()
    const parsed = EmailAddress.safeParse(email())
    if (!parsed.success) {
      setError('Enter your e-mail address, such as ada@example.org.')
      return
    }
    void sendTo(parsed.data)
  }

  const startUrl = (id: string) =>
    `/api/auth/${encodeURIComponent(id)}/start?returnTo=${encodeURIComponent(returnTo())}`

  return (
    <>
      <AccountHeader auth={auth} />
      <main id="main" class="page page-narrow account-page">
        <Show when={failure()}>
          {(f) => (
            <div class="notice notice-error" role="alert">
              <p>
                <strong>{f().title}.</strong>
              </p>
              <p>{f().todo}</p>
            </div>
          )}
        </Show>
        <Switch>
          <Match when={auth.state().status === 'signed-in' && !sentTo()}>
            <section class="card" aria-labelledby="signed-in-heading">
              <h1 id="signed-in-heading">You are signed in</h1>
              <p>
                This device is signed in as{' '}
                <strong>
                  {(() => {
                    const s = auth.state()
                    return s.status === 'signed-in' ? s.account.email : ''
                  })()}
                </strong>
                .
              </p>
              <p>
                <A class="button button-primary" href={returnTo()}>
                  Continue
                </A>
              </p>
            </section>
          </Match>
          <Match when={sentTo()}>
            {(address) => (
              <section class="card" aria-labelledby="sent-heading">
                <h1 id="sent-heading">Check your mail</h1>
                <p role="status">
                  {sends() > 1 ? 'We sent another sign-in link' : 'We sent a sign-in link'} to{' '}
                  <strong>{address()}</strong>.
                </p>
                <p>
                  Open it on this device within 15 minutes; it works once. You can close this tab:
                  the link opens Podium signed in.
                </p>
                <p class="hint">
                  Nothing arrived after a few minutes? Look in your spam folder, check the address,
                  or ask for another link.
                </p>
                <div class="button-row">
                  <button
                    type="button"
                    class="button"
                    onClick={() => {
                      setSentTo(null)
                      setError(null)
                    }}
                  >
                    Use another address
                  </button>
                  <button
                    type="button"
                    class="link-button"
                    disabled={busy()}
                    onClick={() => void sendTo(address())}
                  >
                    {busy() ? 'Sending…' : 'Send another link'}
                  </button>
                </div>
                <ErrorNotice message={error()} />
              </section>
            )}
          </Match>
          <Match when={true}>
            <section class="card" aria-labelledby="signin-heading">
              <h1 id="signin-heading">Sign in to Podium</h1>
              <Show when={farewell()}>
                <p class="notice notice-ok" role="status">
                  {farewell()}
                </p>
              </Show>
              <p>
                Signed in, your sessions and questions follow you to every device. You can still
                join sessions with a code without an account.
              </p>
              <form onSubmit={send} novalidate>
                <label class="field">
                  <span>E-mail address</span>
                  <input
                    name="email"
                    type="email"
                    value={email()}
                    onInput={(e) => setEmail(e.currentTarget.value)}
                    autocomplete="email"
                    inputmode="email"
                    maxLength={254}
                    required
                    aria-describedby={error() ? 'signin-error' : 'signin-hint'}
                  />
                  <small id="signin-hint" class="hint">
                    We send you a link that signs you in. No password.
                  </small>
                </label>
                <ErrorNotice id="signin-error" message={error()} />
                <button class="button button-primary" type="submit" disabled={busy()}>
                  {busy() ? 'Sending…' : 'Send me a sign-in link'}
                </button>
              </form>
              <Show when={others().length > 0}>
                <p class="divider">
                  <span>or</span>
                </p>
                <ul class="plain-list provider-list">
                  <For each={others()}>
                    {(provider) => (
                      <li>
                        {/* external: a page load, past the app's router, to the server's redirect */}
                        <a
                          class="button provider-button"
                          href={startUrl(provider.id)}
                          rel="external"
                        >
                          Continue with {provider.name}
                        </a>
                      </li>
                    )}
                  </For>
                </ul>
              </Show>
            </section>
          </Match>
        </Switch>
      </main>
    </>
  )
}
