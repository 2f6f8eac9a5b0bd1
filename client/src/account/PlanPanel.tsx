import { createResource, createSignal, For, Show } from 'solid-js'
import { ErrorNotice } from '../components/ErrorNotice.tsx'
import { messageOf } from '../components/errors.ts'
import type { AccountAuth } from '../lib/account.ts'
import type { Api } from '../lib/api.ts'

interface Limits {
  attendeesPerSession: number | null
  paidTickets: boolean
  videoStage: boolean
  analyticsRetentionDays: number
}
interface Offered {
  plan: string
  limits: Limits
  monthly: boolean
  yearly: boolean
}
interface Mine {
  plan: string
  status: string
  graceUntil: number | null
  periodEnd: number | null
}

const limitsText = (l: Limits) =>
  [
    l.attendeesPerSession === null
      ? 'any number of attendees'
      : `${l.attendeesPerSession.toLocaleString()} attendees per session`,
    l.paidTickets ? 'paid tickets' : 'no paid tickets',
    l.videoStage ? 'video stage' : 'no video stage',
    `${l.analyticsRetentionDays} days of analytics`,
  ].join(', ')

const day = (at: number) => new Date(at).toLocaleDateString(undefined, { dateStyle: 'long' })

/**
 * The host plan (shown only when the server takes payments): what it allows, buying
 * another through Stripe Checkout, and Stripe's Customer Portal for card and cancelling.
 */
export function PlanPanel(props: { api: Api; auth: AccountAuth }) {
  const [offer] = createResource(() =>
    props.api.get<{ payments: boolean; plans: Offered[] }>('/billing').catch(() => null),
  )
  const [mine] = createResource(
    () => offer()?.payments,
    async () => props.api.get<Mine>('/billing/plan', await props.auth.accessToken()),
  )
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal<string | null>(null)
  const outcome = new URLSearchParams(window.location.search).get('billing')

  const go = async (path: string, body: unknown) => {
    setBusy(true)
    setError(null)
    try {
      const { url } = await props.api.post<{ url: string }>(
        path,
        body,
        await props.auth.accessToken(),
      )
      window.location.assign(url)
    } catch (e) {
      setError(messageOf(e))
      setBusy(false)
    }
  }

  return (
    <Show when={offer()?.payments}>
      <section class="card plan-panel" aria-labelledby="plan-heading">
        <h2 id="plan-heading">Your plan</h2>
        <Show when={outcome === 'success'}>
          <p class="notice notice-ok" role="status">
            Thank you: your plan is being set up; it shows here within moments.
          </p>
        </Show>
        <Show when={mine()}>
          {(m) => (
            <>
              <p>
                <strong class="plan-name">{m().plan}</strong>
                <Show when={m().periodEnd && m().status === 'active'}>
                  {' '}
                  · renews on {day(m().periodEnd!)}
                </Show>
              </p>
              <Show when={m().graceUntil}>
                {(until) => (
                  <p class="notice notice-error" role="alert">
                    The last payment for your plan failed. It keeps working until {day(until())};
                    update your card in the billing portal before then.
                  </p>
                )}
              </Show>
            </>
          )}
        </Show>
        <ul class="plan-list">
          <For each={offer()?.plans}>
            {(p) => (
              <li>
                <strong class="plan-name">{p.plan}</strong>: {limitsText(p.limits)}
                <Show when={p.plan !== 'free' && p.plan !== mine()?.plan}>
                  <span class="button-row">
                    <Show when={p.monthly}>
                      <button
                        type="button"
                        class="button"
                        disabled={busy()}
                        onClick={() =>
                          go('/billing/checkout', { plan: p.plan, interval: 'monthly' })
                        }
                      >
                        Choose {p.plan}, monthly
                      </button>
                    </Show>
                    <Show when={p.yearly}>
                      <button
                        type="button"
                        class="button"
                        disabled={busy()}
                        onClick={() =>
                          go('/billing/checkout', { plan: p.plan, interval: 'yearly' })
                        }
                      >
                        Choose {p.plan}, yearly
                      </button>
                    </Show>
                  </span>
                </Show>
              </li>
            )}
          </For>
        </ul>
        <ErrorNotice message={error()} />
        <button
          type="button"
          class="button button-primary"
          disabled={busy()}
          onClick={() => go('/billing/portal', {})}
        >
          Manage billing
        </button>
        <p class="hint">Card, invoices and cancelling are on Stripe's pages.</p>
      </section>
    </Show>
  )
}
