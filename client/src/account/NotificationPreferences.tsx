import {
  type NotificationChannel,
  type NotificationKind,
  NotificationSettings,
  type PreferencesPatch,
} from '@podium/shared'
import { createSignal, For, Index, Show } from 'solid-js'
import { ErrorNotice } from '../components/ErrorNotice.tsx'
import { messageOf } from '../components/errors.ts'
import type { AccountAuth } from '../lib/account.ts'
import type { Api } from '../lib/api.ts'
import { channelLabel } from './notification-text.ts'

type Choices = Partial<Record<NotificationKind, Partial<Record<NotificationChannel, boolean>>>>

/**
 * What the account hears about, by which channel: a row per kind, a column per channel
 * this server offers. Transactional kinds (sign-in links, phone codes) are always sent and
 * shown as such. Changes are kept on the page until saved with one PUT.
 */
export function NotificationPreferences(props: {
  api: Api
  auth: AccountAuth
  settings: NotificationSettings
  onSaved: (settings: NotificationSettings) => void
}) {
  const [changed, setChanged] = createSignal<Choices>({})
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal<string | null>(null)
  const [saved, setSaved] = createSignal(false)

  const isOn = (kind: NotificationKind, channel: NotificationChannel) =>
    changed()[kind]?.[channel] ??
    props.settings.kinds.find((k) => k.kind === kind)?.channels[channel] ??
    false

  const toggle = (kind: NotificationKind, channel: NotificationChannel, on: boolean) => {
    setSaved(false)
    const current = props.settings.kinds.find((k) => k.kind === kind)?.channels[channel]
    const next: Choices = { ...changed(), [kind]: { ...changed()[kind], [channel]: on } }
    if (current === on) delete next[kind]?.[channel]
    if (next[kind] && Object.keys(next[kind]).length === 0) delete next[kind]
    setChanged(next)
  }

  const dirty = () => Object.keys(changed()).length > 0

  const save = async (event: SubmitEvent) => {
    event.preventDefault()
    if (!dirty()) return
    setBusy(true)
    setError(null)
    try {
      const body: PreferencesPatch = { kinds: changed() }
      const settings = await props.api.put(
        '/me/notifications',
        body,
        await props.auth.accessToken(),
        NotificationSettings,
      )
      setChanged({})
      props.onSaved(settings)
      setSaved(true)
    } catch (e) {
      setError(`Your choices were not saved. ${messageOf(e)}`)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="card" aria-labelledby="notifications-heading">
      <h2 id="notifications-heading">Notifications</h2>
      <p class="hint">
        What Podium sends to {props.settings.email}
        {props.settings.offered.includes('push') ? ', to browsers you turn on below' : ''}
        {props.settings.offered.includes('sms') ? ' and to your confirmed phone' : ''}.
      </p>
      <form class="stacked-form" onSubmit={save} novalidate>
        <div class="table-scroll">
          <table class="prefs-table">
            <caption class="visually-hidden">Notifications by kind and channel</caption>
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <For each={props.settings.offered}>
                  {(channel) => <th scope="col">{channelLabel(channel)}</th>}
                </For>
              </tr>
            </thead>
            <tbody>
              <Index each={props.settings.kinds.filter((k) => Object.keys(k.channels).length > 0)}>
                {(kind) => (
                  <tr classList={{ transactional: kind().transactional }}>
                    <th scope="row">
                      {kind().label}
                      <Show when={kind().transactional}>
                        <span class="hint prefs-always" id={`always-${kind().kind}`}>
                          Always sent: you ask for these yourself.
                        </span>
                      </Show>
                    </th>
                    <For each={props.settings.offered}>
                      {(channel) => (
                        <td>
                          <Show
                            when={channel in kind().channels}
                            fallback={
                              <span class="prefs-none">
                                <span aria-hidden="true">–</span>
                                <span class="visually-hidden">
                                  Not sent by {channelLabel(channel)}
                                </span>
                              </span>
                            }
                          >
                            <input
                              type="checkbox"
                              class="prefs-check"
                              checked={kind().transactional || isOn(kind().kind, channel)}
                              disabled={kind().transactional || busy()}
                              aria-label={`${kind().label} by ${channelLabel(channel)}`}
                              aria-describedby={
                                kind().transactional ? `always-${kind().kind}` : undefined
                              }
                              onChange={(e) =>
                                toggle(kind().kind, channel, e.currentTarget.checked)
                              }
                            />
                          </Show>
                        </td>
                      )}
                    </For>
                  </tr>
                )}
              </Index>
            </tbody>
          </table>
        </div>
        <button class="button button-primary" type="submit" disabled={busy() || !dirty()}>
          {busy() ? 'Saving…' : 'Save notification choices'}
        </button>
      </form>
      <ErrorNotice message={error()} />
      <Show when={saved()}>
        <p class="notice notice-ok" role="status">
          Your notification choices are saved.
        </p>
      </Show>
    </section>
  )
}
