import { type Device, MeResponse } from '@podium/shared'
import { createResource, createSignal, For, Show } from 'solid-js'
import { ErrorNotice } from '../components/ErrorNotice.tsx'
import { messageOf } from '../components/errors.ts'
import type { AccountAuth } from '../lib/account.ts'
import type { Api } from '../lib/api.ts'
import { formatMoment } from './format.ts'

/** Where the account is signed in; any other device can be signed out from here. */
export function DevicesPanel(props: { api: Api; auth: AccountAuth }) {
  const [me, { refetch }] = createResource(async () =>
    props.api.get('/me', await props.auth.accessToken(), MeResponse),
  )
  const [busy, setBusy] = createSignal<string | null>(null)
  const [error, setError] = createSignal<string | null>(null)

  const signOut = async (device: Device) => {
    setBusy(device.id)
    setError(null)
    try {
      await props.api.delete(
        `/me/devices/${encodeURIComponent(device.id)}`,
        await props.auth.accessToken(),
      )
      await refetch()
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(null)
    }
  }

  return (
    <section class="card" aria-labelledby="devices-heading">
      <h2 id="devices-heading">Signed-in devices</h2>
      <Show
        when={me()}
        fallback={
          <Show
            when={me.error}
            fallback={
              <p class="hint" aria-busy="true">
                Loading…
              </p>
            }
          >
            <ErrorNotice message={`The devices could not be loaded. ${messageOf(me.error)}`} />
          </Show>
        }
      >
        {(loaded) => (
          <ul class="plain-list device-list">
            <For each={loaded().devices}>
              {(device) => (
                <li class="device-row">
                  <div>
                    <p class="device-label">
                      {device.label}
                      <Show when={device.current}>
                        {' '}
                        <span class="tag">This device</span>
                      </Show>
                    </p>
                    <p class="hint">
                      Signed in {formatMoment(device.createdAt)} · last seen{' '}
                      {formatMoment(device.lastSeenAt)}
                    </p>
                  </div>
                  <Show when={!device.current}>
                    <button
                      type="button"
                      class="button"
                      disabled={busy() !== null}
                      onClick={() => void signOut(device)}
                      aria-label={`Sign out ${device.label}`}
                    >
                      {busy() === device.id ? 'Signing out…' : 'Sign out'}
                    </button>
                  </Show>
                </li>
              )}
            </For>
          </ul>
        )}
      </Show>
      <ErrorNotice message={error()} />
    </section>
  )
}
