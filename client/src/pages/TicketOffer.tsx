import { formatMoney, type TicketOffer } from '@podium/shared'
import { createResource, createSignal, For, onCleanup, Show } from 'solid-js'
import { paths } from '../app/paths.ts'
import { messageOf } from '../components/errors.ts'
import { accountAuth } from '../lib/account.ts'
import { api } from '../lib/api.ts'

export interface OfferView {
  offer: TicketOffer
  /** The signed-in account holds a ticket already. */
  held: boolean
  /** How the account's newest checkout for it ended (`open`, `complete`, `expired`). */
  checkout: string | null
}

/**
 * The join page's view of a paid session: `GET /api/tickets?code=` (with the account's
 * token when signed in); null when free. Back from a paid Checkout, it asks again every
 * two seconds for a minute, until the webhook has made the ticket.
 */
export function createTicketOffer(code: () => string, paid: boolean) {
  const auth = accountAuth()
  const [offer, { refetch }] = createResource(code, async (c): Promise<OfferView | null> => {
    if (!c) return null
    try {
      const answer = await api.get<{
        ticket: TicketOffer | null
        held: boolean
        checkout?: string | null
      }>(`/tickets?code=${encodeURIComponent(c)}`, await auth.tokenIfSignedIn())
      return answer.ticket
        ? { offer: answer.ticket, held: answer.held, checkout: answer.checkout ?? null }
        : null
    } catch {
      // The join form says what is wrong with the code.
      return null
    }
  })
  if (paid) {
    const until = Date.now() + 60_000
    const timer = setInterval(() => {
      const current = offer()
      if (current?.held || Date.now() > until) clearInterval(timer)
      else void refetch()
    }, 2_000)
    onCleanup(() => clearInterval(timer))
  }
  return { offer, refetch }
}

const SALES_WORDS: Record<Exclude<TicketOffer['sales'], 'open'>, string> = {
  'not-yet': 'Ticket sales have not opened yet.',
  closed: 'Ticket sales are closed.',
  'sold-out':
    'Sold out: every seat is taken or held in a checkout. A seat frees up when a checkout expires.',
  ended: 'This session has ended.',
}

/** Every price of the ticket in the reader's locale, the main currency first. */
export function pricesOf(offer: TicketOffer): Array<{ currency: string; text: string }> {
  return [
    [offer.currency, offer.amount] as const,
    ...Object.entries(offer.prices).map(([c, a]) => [c, a] as const),
  ].map(([currency, amount]) => ({ currency, text: formatMoney(amount, currency) }))
}

/**
 * Price, seats left and the way to a ticket: signed in, a button that opens Stripe
 * Checkout (in the chosen currency); otherwise a link to sign in and come back here.
 */
export function TicketCard(props: {
  offer: TicketOffer
  held: boolean
  code: string
  highlight?: boolean
  /** How the reader's newest checkout ended; an expired one is said. */
  checkout?: string | null
}) {
  const auth = accountAuth()
  const signedIn = () => auth.state().status === 'signed-in'
  const prices = () => pricesOf(props.offer)
  const [currency, setCurrency] = createSignal(props.offer.currency)
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal<string | null>(null)
  const chosen = () => prices().find((p) => p.currency === currency()) ?? prices()[0]!

  const buy = async () => {
    setBusy(true)
    setError(null)
    try {
      const token = await auth.accessToken()
      const { url } = await api.post<{ url: string }>(
        `/sessions/${encodeURIComponent(props.offer.sessionId)}/checkout`,
        { currency: currency() },
        token,
      )
      window.location.assign(url)
    } catch (e) {
      setError(messageOf(e))
      setBusy(false)
    }
  }

  return (
    <section
      class={`card ticket-card${props.highlight ? ' ticket-card-needed' : ''}`}
      aria-labelledby="ticket-heading"
    >
      <h2 id="ticket-heading">{props.held ? 'You have a ticket' : 'A ticket is needed'}</h2>
      <p class="ticket-price">
        <strong>{chosen().text}</strong>
        <Show when={props.offer.seatsLeft !== null}>
          {' · '}
          <span class="ticket-seats">
            {props.offer.seatsLeft === 1 ? '1 seat left' : `${props.offer.seatsLeft} seats left`}
          </span>
        </Show>
      </p>
      <Show
        when={!props.held}
        fallback={
          <p>It belongs to your account: join below, on this device or any other you sign in on.</p>
        }
      >
        <Show
          when={props.offer.sales === 'open'}
          fallback={
            <p class="notice">
              {SALES_WORDS[props.offer.sales as Exclude<TicketOffer['sales'], 'open'>]}
            </p>
          }
        >
          <Show
            when={signedIn()}
            fallback={
              <>
                <p>A ticket belongs to your account and works on every device.</p>
                <a class="button button-primary" href={paths.signIn(paths.join(props.code))}>
                  Sign in to buy a ticket
                </a>
              </>
            }
          >
            <Show when={prices().length > 1}>
              <label class="field">
                <span>Pay in</span>
                <select value={currency()} onChange={(e) => setCurrency(e.currentTarget.value)}>
                  <For each={prices()}>
                    {(p) => (
                      <option value={p.currency}>
                        {p.currency.toUpperCase()} ({p.text})
                      </option>
                    )}
                  </For>
                </select>
              </label>
            </Show>
            <Show when={props.checkout === 'expired'}>
              <p class="notice" role="status">
                Your last checkout expired before it was paid, and its seat went back on sale.
                Nothing was charged: buy the ticket again to get a seat.
              </p>
            </Show>
            <Show when={error()}>
              {(message) => (
                <p class="notice notice-error" role="alert">
                  {message()}
                </p>
              )}
            </Show>
            <button type="button" class="button button-primary" disabled={busy()} onClick={buy}>
              {busy() ? 'Opening the checkout…' : `Buy a ticket for ${chosen().text}`}
            </button>
            <p class="hint">You pay on Stripe's page; Podium never sees your card.</p>
          </Show>
        </Show>
      </Show>
    </section>
  )
}

/** What the join page says when Stripe Checkout sends the buyer back. */
export function CheckoutReturn(props: { outcome: string | null }) {
  return (
    <Show when={props.outcome}>
      {(outcome) => (
        <Show
          when={outcome() === 'success'}
          fallback={
            <p class="notice" role="status">
              The payment was cancelled and nothing was charged. Your seat is held for a while: buy
              the ticket again when you are ready.
            </p>
          }
        >
          <p class="notice notice-ok" role="status">
            Thank you: your payment went through. Your ticket is confirmed within moments (a receipt
            is on its way by e-mail); then join below.
          </p>
        </Show>
      )}
    </Show>
  )
}
