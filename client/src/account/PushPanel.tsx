import {
  type NotificationSettings,
  PushSubscriptionBody,
  PushSubscriptionCreated,
} from '@podium/shared'
import { createSignal, For, Match, onMount, Show, Switch } from 'solid-js'
import { createAction } from '../components/action.ts'
import { ErrorNotice } from '../components/ErrorNotice.tsx'
import { messageOf } from '../components/errors.ts'
import type { AccountAuth } from '../lib/account.ts'
import { type Api, ApiError } from '../lib/api.ts'
import { applicationServerKey, type BrowserPush, browserPush, thisBrowser } from '../lib/push.ts'
import { formatMoment } from './format.ts'

type Subscription = NotificationSettings['pushSubscriptions'][number]

/** Why subscribing failed, in words: the browser's refusals are not ApiErrors. */
function pushFailure(e: unknown): string {
  if (e instanceof ApiError) return messageOf(e)
  if (e instanceof DOMException && e.name === 'NotAllowedError')
    return 'This browser did not allow notifications. Allow them for this site in its settings, then try again.'
  if (e instanceof DOMException && (e.name === 'AbortError' || e.name === 'NotSupportedError'))
    return 'This browser could not reach its push service, so it cannot receive notifications now. Try again later or in another browser.'
  if (e instanceof Error && e.message) return e.message
  return 'This browser could not be subscribed. Try again.'
}

/**
 * Web push: this browser is subscribed only when the person clicks (the permission prompt
 * comes from that click, never on its own), and every browser of the account is listed,
 * each with a way to remove it.
 */
export function PushPanel(props: {
  api: Api
  auth: AccountAuth
  settings: NotificationSettings
  reload: () => Promise<unknown>
  push?: BrowserPush
}) {
  const push = props.push ?? browserPush
  const supported = push.supported()
  const [permission, setPermission] = createSignal<NotificationPermission>(
    supported ? push.permission() : 'default',
  )
  const [mine, setMine] = createSignal<string | null>(thisBrowser.get())

  const listed = () => props.settings.pushSubscriptions
  const subscribedHere = () => {
    const id = mine()
    return id !== null && listed().some((s) => s.id === id)
  }

  // The browser may have dropped its subscription (site data cleared): forget it here too.
  onMount(() => {
    if (!supported || !mine()) return
    void push
      .pushManager()
      .then((manager) => manager.getSubscription())
      .then((current) => {
        if (!current) {
          thisBrowser.clear()
          setMine(null)
        }
      })
      .catch(() => {})
  })

  const { busy, error, done, run: act } = createAction({ failure: pushFailure })

  const turnOn = () =>
    act('on', async () => {
      const answer = await push.requestPermission()
      setPermission(answer)
      if (answer !== 'granted') return null
      const manager = await push.pushManager()
      const key = applicationServerKey(props.settings.pushPublicKey)
      let subscription = await manager.getSubscription()
      // Subscribed before with another server key (keys were replaced): start again.
      if (subscription && !sameKey(subscription, key)) {
        await subscription.unsubscribe()
        subscription = null
      }
      subscription ??= await manager.subscribe({ userVisibleOnly: true, applicationServerKey: key })
      const body = PushSubscriptionBody.parse(subscription.toJSON())
      const { id } = await props.api.post(
        '/push/subscriptions',
        body,
        await props.auth.accessToken(),
        PushSubscriptionCreated,
      )
      thisBrowser.set(id)
      setMine(id)
      await props.reload()
      return 'Notifications are on in this browser.'
    })

  const remove = (subscription: Subscription) =>
    act(subscription.id, async () => {
      const here = subscription.id === mine()
      await props.api.delete(
        `/push/subscriptions/${encodeURIComponent(subscription.id)}`,
        await props.auth.accessToken(),
      )
      if (here) {
        thisBrowser.clear()
        setMine(null)
        const current = await push
          .pushManager()
          .then((m) => m.getSubscription())
          .catch(() => null)
        await current?.unsubscribe().catch(() => false)
      }
      await props.reload()
      return here
        ? 'This browser gets no more notifications.'
        : 'That browser gets no more notifications.'
    })

  return (
    <section class="card" aria-labelledby="push-heading">
      <h2 id="push-heading">Notifications in the browser</h2>
      <Switch>
        <Match when={!supported}>
          <p>
            This browser cannot receive push notifications. Reminders still come by e-mail; turn
            notifications on from another browser to get them there.
          </p>
        </Match>
        <Match when={subscribedHere()}>
          <p>This browser shows Podium’s notifications, even when no Podium page is open.</p>
        </Match>
        <Match when={permission() === 'denied'}>
          <p>
            This browser blocks notifications from this site. Allow them in the site’s settings (the
            icon next to the address), then reload this page.
          </p>
        </Match>
        <Match when={true}>
          <p class="hint">
            Reminders and answers can also pop up here, even when no Podium page is open. Your
            browser asks for permission first.
          </p>
          <button
            type="button"
            class="button button-primary"
            disabled={busy() !== null}
            onClick={() => void turnOn()}
          >
            {busy() === 'on' ? 'Turning on…' : 'Turn on notifications in this browser'}
          </button>
        </Match>
      </Switch>

      <h3 class="subheading">Browsers that get notifications</h3>
      <Show
        when={listed().length > 0}
        fallback={<p class="hint">None yet. Turn them on in each browser you want them in.</p>}
      >
        <ul class="plain-list device-list">
          <For each={listed()}>
            {(subscription) => (
              <li class="device-row">
                <div>
                  <p class="device-label">
                    {subscription.id === mine() ? 'This browser' : 'Another browser'}
                  </p>
                  <p class="hint">
                    Through {subscription.host} · since {formatMoment(subscription.createdAt)}
                  </p>
                </div>
                <button
                  type="button"
                  class="button"
                  disabled={busy() !== null}
                  aria-label={
                    subscription.id === mine()
                      ? 'Remove this browser'
                      : `Remove the browser added ${formatMoment(subscription.createdAt)}`
                  }
                  onClick={() => void remove(subscription)}
                >
                  {busy() === subscription.id ? 'Removing…' : 'Remove'}
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <ErrorNotice message={error()} />
      <Show when={done()}>
        <p class="notice notice-ok" role="status">
          {done()}
        </p>
      </Show>
    </section>
  )
}

/** Whether a subscription was made with this server key. */
function sameKey(subscription: PushSubscription, key: Uint8Array): boolean {
  const had = subscription.options?.applicationServerKey
  if (!had) return true
  const bytes = new Uint8Array(had)
  return bytes.length === key.length && bytes.every((b, i) => b === key[i])
}
