import { Limits, normalizeJoinCode } from '@podium/shared'
import { createSignal, Show } from 'solid-js'
import { joinWithCode } from '../app/join.ts'
import { ErrorNotice } from '../components/ErrorNotice.tsx'
import { messageOf } from '../components/errors.ts'
import { accountAuth } from '../lib/account.ts'
import { ApiError } from '../lib/api.ts'
import type { Identity } from '../lib/identity.ts'

export interface JoinFormProps {
  /** Show a code field (the landing page); otherwise `code` is fixed (a /j/<code> link). */
  askCode?: boolean
  code?: string
  onJoined: (identity: Identity) => void
  /** Called instead of showing the error inline when no session has the code. */
  onNotFound?: (code: string) => void
  /** The session is paid and the caller holds no ticket (402): the page shows how to buy one. */
  onPaymentRequired?: () => void
}

/** Code (optional) and display name (optional: blank joins anonymously). */
export function JoinForm(props: JoinFormProps) {
  const auth = accountAuth()
  const signedIn = () => {
    const s = auth.state()
    return s.status === 'signed-in' ? s.account : null
  }
  const [code, setCode] = createSignal(props.code ?? '')
  const [name, setName] = createSignal(signedIn()?.name ?? '')
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal<string | null>(null)
  const errorId = `join-error-${props.askCode ? 'code' : 'link'}`

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    const normalized = normalizeJoinCode(code())
    if (!normalized) {
      setError('Enter the code shown by the host.')
      return
    }
    setBusy(true)
    setError(null)
    try {
      props.onJoined(await joinWithCode(normalized, name(), await auth.tokenIfSignedIn()))
    } catch (e) {
      if (e instanceof ApiError && e.status === 404 && props.onNotFound)
        props.onNotFound(normalized)
      else if (e instanceof ApiError && e.status === 402) {
        setError(
          signedIn()
            ? 'This session needs a ticket, and your account has none yet. Buy one above; if you just paid, try again in a moment.'
            : 'This session needs a ticket. Sign in to buy one, or to use the ticket you have.',
        )
        props.onPaymentRequired?.()
      } else setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form onSubmit={submit} novalidate>
      <Show when={props.askCode}>
        <label class="field">
          <span>Session code</span>
          <input
            name="code"
            value={code()}
            onInput={(e) => setCode(e.currentTarget.value)}
            autocomplete="off"
            autocapitalize="characters"
            spellcheck={false}
            inputmode="text"
            maxLength={32}
            placeholder="e.g. K7M2QX"
            required
            aria-describedby={error() ? errorId : undefined}
          />
        </label>
      </Show>
      <label class="field">
        <span>Your name (optional)</span>
        <input
          dir="auto"
          name="name"
          value={name()}
          onInput={(e) => setName(e.currentTarget.value)}
          maxLength={Limits.nameLength}
          autocomplete="nickname"
          aria-describedby="join-name-hint"
        />
        <small id="join-name-hint" class="hint">
          Leave it empty to join anonymously.
        </small>
      </label>
      <Show when={signedIn()}>
        {(account) => (
          <p class="hint">
            You join as {account().email}: the same participant on every device you sign in on.
          </p>
        )}
      </Show>
      <ErrorNotice id={errorId} message={error()} />
      <button class="button button-primary" type="submit" disabled={busy()}>
        {busy() ? 'Joining…' : 'Join'}
      </button>
    </form>
  )
}
