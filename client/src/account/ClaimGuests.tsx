import { SessionInfo } from '@podium/shared'
import { createResource, createSignal, For, Show } from 'solid-js'
import { messageOf } from '../components/errors.ts'
import type { AccountAuth } from '../lib/account.ts'
import type { Api } from '../lib/api.ts'
import type { Identity } from '../lib/identity.ts'
import { claimGuest, guestIdentities } from './participants.ts'

interface Guest {
  identity: Identity
  title: string | null
}

/**
 * Sessions this device joined as a guest before signing in: offered to the account, so
 * the questions, votes and receipts of that participant follow the person everywhere.
 */
export function ClaimGuests(props: {
  api: Api
  auth: AccountAuth
  /** Sessions already on the account's lists. */
  listed: Set<string>
  onClaimed: () => void
}) {
  const [version, setVersion] = createSignal(0)
  const [guests] = createResource(
    version,
    async (): Promise<Guest[]> =>
      Promise.all(
        guestIdentities().map(async (identity) => {
          try {
            const info = await props.api.get(
              `/sessions/${encodeURIComponent(identity.sessionId)}`,
              identity.token,
              SessionInfo,
            )
            return { identity, title: info.title }
          } catch {
            return { identity, title: null }
          }
        }),
      ),
  )
  const offered = () => (guests() ?? []).filter((g) => !props.listed.has(g.identity.sessionId))
  const [busy, setBusy] = createSignal(false)
  const [result, setResult] = createSignal<{ added: number; failed: string[] } | null>(null)

  const claim = async () => {
    setBusy(true)
    let added = 0
    const failed: string[] = []
    for (const guest of offered()) {
      try {
        await claimGuest(props.auth, guest.identity, props.api)
        added++
      } catch (error) {
        failed.push(`${guest.title ?? guest.identity.sessionId}: ${messageOf(error)}`)
      }
    }
    setResult({ added, failed })
    setBusy(false)
    setVersion((n) => n + 1)
    if (added > 0) props.onClaimed()
  }

  return (
    <>
      <Show when={offered().length > 0}>
        <section class="card claim" aria-labelledby="claim-heading">
          <h2 id="claim-heading">Sessions joined on this device without signing in</h2>
          <p>
            Add them to your account, so that what you asked and voted there is yours on every
            device:
          </p>
          <ul class="claim-list">
            <For each={offered()}>
              {(guest) => (
                <li>
                  {guest.title ?? 'A session that could not be looked up'}{' '}
                  <span class="hint">
                    ({guest.identity.role === 'attendee' ? 'attended' : guest.identity.role})
                  </span>
                </li>
              )}
            </For>
          </ul>
          <button
            type="button"
            class="button button-primary"
            disabled={busy()}
            onClick={() => void claim()}
          >
            {busy() ? 'Adding…' : 'Add them to my account'}
          </button>
        </section>
      </Show>
      <Show when={result()}>
        {(r) => (
          <div class={`notice ${r().failed.length ? 'notice-error' : 'notice-ok'}`} role="status">
            <Show when={r().added > 0}>
              <p>
                {r().added === 1 ? 'One session was' : `${r().added} sessions were`} added to your
                account.
              </p>
            </Show>
            <For each={r().failed}>{(line) => <p>Not added: {line}</p>}</For>
          </div>
        )}
      </Show>
    </>
  )
}
