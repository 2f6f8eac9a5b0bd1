import { createSignal, Show } from 'solid-js'
import { CopyButton } from '../../components/CopyButton.tsx'
import { messageOf } from '../../components/errors.ts'
import { type Api, api as defaultApi } from '../../lib/api.ts'
import { tokenClaims } from '../../lib/token-claims.ts'
import type { StaffRoom } from '../model/room.ts'

/**
 * The private host link: how the host gets back to this console on another device. Only
 * its hash is on the server, so it cannot be shown again; a new one can be made (shown
 * once), and the one before then stops working, for a link that leaked or was lost.
 */
export function HostLinkPanel(props: { room: StaffRoom; api?: Pick<Api, 'issueHostLink'> }) {
  const api = props.api ?? defaultApi
  const owned = () => tokenClaims(props.room.token)?.acc != null
  const [confirming, setConfirming] = createSignal(false)
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal<string | null>(null)
  const [link, setLink] = createSignal<string | null>(null)

  const issue = async () => {
    setBusy(true)
    setError(null)
    try {
      const issued = await api.issueHostLink(props.room.sessionId, props.room.token)
      setLink(issued.hostLink)
      setConfirming(false)
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="panel host-link" aria-labelledby="host-link-heading">
      <h2 id="host-link-heading">Host link</h2>
      <p class="st-hint">
        A private host link opens this console on any device, without signing in. Anyone with it can
        run the session; keep it private. Only the newest link works.{' '}
        <Show
          when={owned()}
          fallback="Yours was shown when the session was created; make a new one if it was lost or shared."
        >
          This session also belongs to your account: signing in opens it anywhere.
        </Show>
      </p>
      <Show when={link()}>
        {(url) => (
          <div class="host-link-new">
            <label class="st-field">
              <span>New host link (shown only now)</span>
              <input readonly value={url()} onFocus={(e) => e.currentTarget.select()} />
            </label>
            <CopyButton text={url()} label="Copy" />
            <p class="st-hint">The link before it no longer works.</p>
          </div>
        )}
      </Show>
      <Show
        when={confirming()}
        fallback={
          <button type="button" class="btn" onClick={() => setConfirming(true)}>
            Make a new host link
          </button>
        }
      >
        <fieldset class="confirm">
          <legend>Make a new host link?</legend>
          <p>
            The current host link stops working at once, on every device that has not opened it yet.
            Devices already in the console stay in.
          </p>
          <div class="row">
            <button
              type="button"
              class="btn btn-primary"
              disabled={busy()}
              aria-busy={busy()}
              onClick={() => void issue()}
            >
              {busy() ? 'Making…' : 'Make a new link'}
            </button>
            <button type="button" class="btn" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </fieldset>
      </Show>
      <Show when={error()}>
        {(message) => (
          <p class="error" role="alert">
            {message()}
          </p>
        )}
      </Show>
    </section>
  )
}
