import { NotificationSettings, type PhoneState } from '@podium/shared'
import { createResource, Show } from 'solid-js'
import { ErrorNotice } from '../components/ErrorNotice.tsx'
import { messageOf } from '../components/errors.ts'
import type { AccountAuth } from '../lib/account.ts'
import type { Api } from '../lib/api.ts'
import type { BrowserPush } from '../lib/push.ts'
import { NotificationPreferences } from './NotificationPreferences.tsx'
import { PhonePanel } from './PhonePanel.tsx'
import { PushPanel } from './PushPanel.tsx'

/**
 * The account's notification settings, read once (GET /api/me/notifications) and shared by
 * its panels: the choices by kind and channel, this browser's push, and the phone for SMS
 * (only where the server offers SMS).
 */
export function NotificationSettingsPanels(props: {
  api: Api
  auth: AccountAuth
  push?: BrowserPush
}) {
  const [settings, { refetch, mutate }] = createResource(async () =>
    props.api.get('/me/notifications', await props.auth.accessToken(), NotificationSettings),
  )
  const setPhone = (phone: PhoneState | null) => {
    const current = settings.latest
    if (current) mutate({ ...current, phone })
  }
  return (
    <Show
      when={settings.error ? null : settings.latest}
      fallback={
        <section class="card" aria-labelledby="notifications-heading">
          <h2 id="notifications-heading">Notifications</h2>
          <Show
            when={settings.error}
            fallback={
              <p class="hint" aria-busy="true">
                Loading…
              </p>
            }
          >
            <ErrorNotice
              message={`Your notification settings could not be loaded. ${messageOf(settings.error)}`}
            />
          </Show>
        </section>
      }
    >
      {(loaded) => (
        <>
          <NotificationPreferences
            api={props.api}
            auth={props.auth}
            settings={loaded()}
            onSaved={(saved) => mutate(saved)}
          />
          <Show when={loaded().offered.includes('push')}>
            <PushPanel
              api={props.api}
              auth={props.auth}
              settings={loaded()}
              reload={async () => {
                await refetch()
              }}
              {...(props.push ? { push: props.push } : {})}
            />
          </Show>
          <Show when={loaded().offered.includes('sms')}>
            <PhonePanel
              api={props.api}
              auth={props.auth}
              phone={loaded().phone}
              onChange={setPhone}
            />
          </Show>
        </>
      )}
    </Show>
  )
}
