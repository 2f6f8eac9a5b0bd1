import { useNavigate } from '@solidjs/router'
import { createSignal, Show } from 'solid-js'
import { ErrorNotice } from '../components/ErrorNotice.tsx'
import { messageOf } from '../components/errors.ts'
import type { AccountAuth, AccountInfo } from '../lib/account.ts'
import { wipeOfflineData } from '../lib/offline-data.ts'

export type SignedOutHow = 'kept' | 'wiped' | 'wiped-partly'

/**
 * Signing this device out, after asking what becomes of the sessions it keeps for
 * offline use: kept (they open read-only until signing in again), or wiped.
 */
export function SignOutPanel(props: { auth: AccountAuth; account: AccountInfo }) {
  const navigate = useNavigate()
  const [asking, setAsking] = createSignal(false)
  const [wipe, setWipe] = createSignal(false)
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal<string | null>(null)

  const signOut = async (event: SubmitEvent) => {
    event.preventDefault()
    // Read now: signed out, this panel is taken off the page.
    const accountId = props.account.id
    const wiping = wipe()
    setBusy(true)
    setError(null)
    try {
      await props.auth.signOut()
    } catch (e) {
      setError(messageOf(e))
      setBusy(false)
      return
    }
    let how: SignedOutHow = 'kept'
    if (wiping) {
      const result = await wipeOfflineData(accountId)
      how = result.blocked > 0 ? 'wiped-partly' : 'wiped'
    }
    navigate(`/signin?out=${how}`, { replace: true })
  }

  return (
    <section class="card" aria-labelledby="signout-heading">
      <h2 id="signout-heading">Sign out of this device</h2>
      <Show
        when={asking()}
        fallback={
          <button type="button" class="button" onClick={() => setAsking(true)}>
            Sign out…
          </button>
        }
      >
        <form onSubmit={signOut}>
          <fieldset class="choice">
            <legend>What should this device keep?</legend>
            <label class="check">
              <input
                type="radio"
                name="offline-copies"
                value="keep"
                checked={!wipe()}
                onChange={() => setWipe(false)}
              />
              <span>
                Keep the sessions stored here, to read them offline. Anything not yet sent is sent
                when you sign in again.
              </span>
            </label>
            <label class="check">
              <input
                type="radio"
                name="offline-copies"
                value="wipe"
                checked={wipe()}
                onChange={() => setWipe(true)}
              />
              <span>
                Wipe them from this device (a shared or borrowed one). Questions not yet sent are
                lost.
              </span>
            </label>
          </fieldset>
          <ErrorNotice message={error()} />
          <div class="button-row">
            <button type="submit" class="button button-primary" disabled={busy()}>
              {busy() ? 'Signing out…' : 'Sign out'}
            </button>
            <button type="button" class="button" disabled={busy()} onClick={() => setAsking(false)}>
              Cancel
            </button>
          </div>
        </form>
      </Show>
    </section>
  )
}
