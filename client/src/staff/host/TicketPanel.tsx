import {
  CURRENCIES,
  formatMoney,
  minorDigits,
  type TicketSettings,
  toMinorUnits,
} from '@podium/shared'
import { createResource, createSignal, For, Show } from 'solid-js'
import { messageOf } from '../../components/errors.ts'
import { api } from '../../lib/api.ts'
import type { StaffRoom } from '../model/room.ts'

interface TicketRow {
  id: string
  email: string
  kind: string
  status: string
  amount: number
  currency: string | null
  amountRefunded: number
  revokedReason: string | null
}
interface RefundRow {
  id: string
  ticketId: string
  amount: number
  currency: string
  status: string
  failure: string | null
}

const STATUS_WORDS: Record<string, string> = {
  active: 'valid',
  pending: 'payment pending',
  revoked: 'revoked',
}
const REASON_WORDS: Record<string, string> = {
  refunded: 'refunded',
  disputed: 'the buyer disputed the payment',
  'payment-failed': 'the payment failed',
}

/** The amount as the host types it: 15.00 for 1500 cents, 1500 for 1500 yen. */
const asDecimal = (amount: number, currency: string) =>
  (amount / 10 ** minorDigits(currency)).toFixed(minorDigits(currency))

/**
 * A paid session (shown only when the server has Stripe keys): the ticket's price,
 * currency and seats, free tickets by e-mail, the tickets sold and their refunds.
 */
export function TicketPanel(props: { room: StaffRoom }) {
  const base = `/api/sessions/${encodeURIComponent(props.room.sessionId)}`
  const [billing] = createResource(() =>
    api.get<{ payments: boolean }>('/api/billing').catch(() => ({ payments: false })),
  )
  const [ticket, { refetch: refetchTicket }] = createResource(
    () => billing()?.payments,
    async () => {
      const info = await api.get<{ settings: { ticket?: TicketSettings | null } }>(
        base,
        props.room.token,
      )
      return { value: info.settings.ticket ?? null }
    },
  )
  const [sold, { refetch: refetchSold }] = createResource(
    () => billing()?.payments,
    () =>
      api.get<{ tickets: TicketRow[]; refunds: RefundRow[] }>(`${base}/tickets`, props.room.token),
  )
  const [currency, setCurrency] = createSignal('eur')
  const [error, setError] = createSignal<string | null>(null)
  const [saved, setSaved] = createSignal<string | null>(null)
  const [busy, setBusy] = createSignal(false)

  const save = async (event: SubmitEvent) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget as HTMLFormElement)
    const chosen = String(form.get('currency') ?? currency())
    const amount = toMinorUnits(String(form.get('price') ?? ''), chosen)
    if (amount === null) {
      setError(
        `Enter the price as a number such as ${asDecimal(1500, chosen)} (${minorDigits(chosen)} decimals in ${chosen.toUpperCase()}).`,
      )
      return
    }
    const seats = String(form.get('capacity') ?? '').trim()
    const body = {
      ticket: {
        amount,
        currency: chosen,
        capacity: seats ? Number(seats) : null,
      },
    }
    await send(() => api.patch(`${base}/settings`, body, props.room.token), 'The price is saved.')
  }

  const send = async (call: () => Promise<unknown>, done: string) => {
    setBusy(true)
    setError(null)
    setSaved(null)
    try {
      await call()
      setSaved(done)
      await Promise.all([refetchTicket(), refetchSold()])
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }

  const comp = async (event: SubmitEvent) => {
    event.preventDefault()
    const formEl = event.currentTarget as HTMLFormElement
    const email = String(new FormData(formEl).get('email') ?? '').trim()
    await send(
      () => api.post(`${base}/tickets`, { email }, props.room.token),
      `A free ticket is on its way to ${email}.`,
    )
    formEl.reset()
  }

  const refund = (row: TicketRow) =>
    send(
      () => api.post(`${base}/tickets/${encodeURIComponent(row.id)}/refund`, {}, props.room.token),
      `The refund to ${row.email} is asked of Stripe; the ticket is revoked when Stripe confirms it.`,
    )

  const money = (amount: number, c: string | null) => (c ? formatMoney(amount, c) : 'free')

  return (
    <Show when={billing()?.payments}>
      <section class="panel tickets" aria-labelledby="tickets-heading">
        <h2 id="tickets-heading">Tickets</h2>
        <Show when={ticket()}>
          {(t) => (
            <>
              <p class="st-hint">
                {t().value
                  ? `Paid session: ${money(t().value!.amount, t().value!.currency)} a ticket${t().value!.capacity ? `, ${t().value!.capacity} seats` : ''}. Staff need no ticket.`
                  : 'Free session: anyone with the code joins. Set a price to sell tickets through Stripe.'}
              </p>
              <form class="ticket-form" onSubmit={save}>
                <label class="st-field">
                  <span>Price</span>
                  <input
                    name="price"
                    inputmode="decimal"
                    value={t().value ? asDecimal(t().value!.amount, t().value!.currency) : ''}
                    placeholder={asDecimal(1500, currency())}
                    required
                  />
                </label>
                <label class="st-field">
                  <span>Currency</span>
                  <select
                    name="currency"
                    value={t().value?.currency ?? currency()}
                    onChange={(e) => setCurrency(e.currentTarget.value)}
                  >
                    <For each={[...CURRENCIES]}>
                      {(c) => <option value={c}>{c.toUpperCase()}</option>}
                    </For>
                  </select>
                </label>
                <label class="st-field">
                  <span>Seats (empty: no limit)</span>
                  <input name="capacity" type="number" min="1" value={t().value?.capacity ?? ''} />
                </label>
                <div class="row">
                  <button type="submit" class="btn btn-primary" disabled={busy()}>
                    Save the price
                  </button>
                  <Show when={t().value}>
                    <button
                      type="button"
                      class="btn btn-quiet"
                      disabled={busy()}
                      onClick={() =>
                        send(
                          () => api.patch(`${base}/settings`, { ticket: null }, props.room.token),
                          'The session is free again.',
                        )
                      }
                    >
                      Make it free
                    </button>
                  </Show>
                </div>
              </form>
            </>
          )}
        </Show>
        <Show when={error()}>
          {(message) => (
            <div class="error" role="alert">
              <p>{message()}</p>
            </div>
          )}
        </Show>
        <Show when={saved()}>
          {(message) => (
            <p class="st-hint" role="status">
              {message()}
            </p>
          )}
        </Show>
        <Show when={ticket()?.value}>
          <h3 class="st-subheading">Give a free ticket</h3>
          <form class="row" onSubmit={comp}>
            <label class="st-field">
              <span>E-mail</span>
              <input name="email" type="email" required placeholder="guest@example.org" />
            </label>
            <button type="submit" class="btn" disabled={busy()}>
              Send ticket
            </button>
          </form>
        </Show>
        <Show when={(sold()?.tickets.length ?? 0) > 0}>
          <h3 class="st-subheading">Sold and given</h3>
          <ul class="ticket-list">
            <For each={sold()?.tickets}>
              {(row) => (
                <li class="ticket-row">
                  <span class="ticket-who">{row.email}</span>
                  <span>{row.kind === 'comp' ? 'free' : money(row.amount, row.currency)}</span>
                  <span class={`ticket-status ticket-${row.status}`}>
                    {STATUS_WORDS[row.status] ?? row.status}
                    {row.revokedReason
                      ? `: ${REASON_WORDS[row.revokedReason] ?? row.revokedReason}`
                      : ''}
                  </span>
                  <Show when={row.amountRefunded > 0}>
                    <span>refunded {money(row.amountRefunded, row.currency)}</span>
                  </Show>
                  <Show when={row.kind === 'paid' && row.status === 'active'}>
                    <button
                      type="button"
                      class="btn btn-small btn-danger-text"
                      disabled={busy()}
                      onClick={() => void refund(row)}
                    >
                      Refund
                    </button>
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </Show>
        <Show when={(sold()?.refunds.length ?? 0) > 0}>
          <h3 class="st-subheading">Refunds</h3>
          <ul class="ticket-list">
            <For each={sold()?.refunds}>
              {(r) => (
                <li class="ticket-row">
                  <span>{money(r.amount, r.currency)}</span>
                  <span>
                    {r.status === 'succeeded'
                      ? 'confirmed by Stripe'
                      : r.status === 'failed'
                        ? `failed: ${r.failure ?? 'Stripe refused it'}`
                        : 'asked of Stripe'}
                  </span>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </section>
    </Show>
  )
}
