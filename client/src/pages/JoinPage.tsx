import { normalizeJoinCode } from '@podium/shared'
import { A, useNavigate, useParams } from '@solidjs/router'
import { createSignal, onMount, Show } from 'solid-js'
import { AccountHeader } from '../account/AccountHeader.tsx'
import { identityForCode } from '../app/join.ts'
import { paths } from '../app/paths.ts'
import { accountAuth } from '../lib/account.ts'
import { JoinForm } from './JoinForm.tsx'
import { CheckoutReturn, createTicketOffer, TicketCard } from './TicketOffer.tsx'

/**
 * `/j/<code>`: the link a QR code holds. Asks for a name, then opens the room. `/j` alone
 * (the address typed from a screen without its code) asks for the code as well.
 */
export default function JoinPage() {
  const params = useParams<{ code?: string }>()
  const navigate = useNavigate()
  const code = () => normalizeJoinCode(params.code ?? '')
  const [missing, setMissing] = createSignal<string | null>(null)
  const checkout = new URLSearchParams(window.location.search).get('checkout')
  const ticket = createTicketOffer(code, checkout === 'success')
  const [needed, setNeeded] = createSignal(false)

  const auth = accountAuth()
  onMount(() => {
    void auth.start()
    // Already joined on this device: straight back into the room (works offline too).
    const known = code() ? identityForCode(code()) : null
    if (known) navigate(paths.room(known.sessionId), { replace: true })
  })

  return (
    <>
      <AccountHeader auth={auth} />
      <main id="main" class="page page-narrow">
        <Show
          when={!missing()}
          fallback={
            <section class="card" aria-labelledby="missing-heading">
              <h1 id="missing-heading">No session has the code {missing()}</h1>
              <p>Check the code with the host and try again, or enter another code.</p>
              <p class="form-row">
                <button
                  type="button"
                  class="button button-primary"
                  onClick={() => {
                    setMissing(null)
                    if (params.code) navigate(paths.join(''), { replace: true })
                  }}
                >
                  Enter another code
                </button>
                <A class="button" href={paths.landing()}>
                  Go to the start page
                </A>
              </p>
            </section>
          }
        >
          <CheckoutReturn
            outcome={checkout === 'success' || checkout === 'cancelled' ? checkout : null}
          />
          <Show when={ticket.offer()}>
            {(view) => (
              <TicketCard
                offer={view().offer}
                held={view().held}
                checkout={view().checkout}
                code={code()}
                highlight={needed() && !view().held}
              />
            )}
          </Show>
          <section class="card" aria-labelledby="join-heading">
            <Show
              when={code()}
              fallback={
                <>
                  <h1 id="join-heading">Join a session</h1>
                  <p>Enter the code shown by the host, on the screen or in the invitation.</p>
                </>
              }
            >
              <h1 id="join-heading">Join session {code()}</h1>
            </Show>
            <JoinForm
              askCode={!code()}
              code={code()}
              onJoined={(identity) => navigate(paths.room(identity.sessionId), { replace: true })}
              onNotFound={setMissing}
              onPaymentRequired={() => {
                setNeeded(true)
                void ticket.refetch()
              }}
            />
          </section>
        </Show>
      </main>
    </>
  )
}
