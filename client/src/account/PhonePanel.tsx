import { PhoneBody, PhoneCodeBody, PhoneState } from '@podium/shared'
import { createSignal, Show } from 'solid-js'
import { createAction } from '../components/action.ts'
import { ErrorNotice } from '../components/ErrorNotice.tsx'
import type { AccountAuth } from '../lib/account.ts'
import type { Api } from '../lib/api.ts'

/**
 * The phone number for SMS reminders (shown only when the server offers SMS): given, then
 * confirmed with the 6-digit code texted to it, and removed.
 */
export function PhonePanel(props: {
  api: Api
  auth: AccountAuth
  phone: PhoneState | null
  onChange: (phone: PhoneState | null) => void
}) {
  const [number, setNumber] = createSignal(props.phone?.number ?? '')
  const [code, setCode] = createSignal('')

  const { busy, error, done, setError, setDone, run: act } = createAction()

  const sendCode = (event: SubmitEvent) => {
    event.preventDefault()
    const parsed = PhoneBody.safeParse({ phone: number() })
    if (!parsed.success) {
      setDone(null)
      setError(parsed.error.issues[0]?.message ?? 'Enter the number with its country code.')
      return
    }
    void act('send', async () => {
      const phone = await props.api.put(
        '/me/phone',
        parsed.data,
        await props.auth.accessToken(),
        PhoneState,
      )
      setCode('')
      props.onChange(phone)
      return `A code was texted to ${phone.number}. It works for 10 minutes.`
    })
  }

  const confirm = (event: SubmitEvent) => {
    event.preventDefault()
    const parsed = PhoneCodeBody.safeParse({ code: code().trim() })
    if (!parsed.success) {
      setDone(null)
      setError(parsed.error.issues[0]?.message ?? 'Enter the 6 digits from the text message.')
      return
    }
    void act('confirm', async () => {
      const phone = await props.api.post(
        '/me/phone/confirm',
        parsed.data,
        await props.auth.accessToken(),
        PhoneState,
      )
      props.onChange(phone)
      return `${phone.number} is confirmed. Reminders you want by SMS go there.`
    })
  }

  const remove = () =>
    act('remove', async () => {
      await props.api.delete('/me/phone', await props.auth.accessToken())
      props.onChange(null)
      setNumber('')
      return 'Your phone number is removed. No more texts come from Podium.'
    })

  return (
    <section class="card" aria-labelledby="phone-heading">
      <h2 id="phone-heading">Phone for SMS reminders</h2>
      <Show
        when={props.phone?.confirmed}
        fallback={
          <>
            <form class="inline-form" onSubmit={sendCode} novalidate>
              <label class="field">
                <span>Phone number</span>
                <input
                  name="phone"
                  type="tel"
                  value={number()}
                  onInput={(e) => setNumber(e.currentTarget.value)}
                  autocomplete="tel"
                  inputmode="tel"
                  aria-describedby="phone-hint"
                />
              </label>
              <button class="button" type="submit" disabled={busy() !== null}>
                {busy() === 'send'
                  ? 'Sending…'
                  : props.phone
                    ? 'Send a new code'
                    : 'Send me a code'}
              </button>
            </form>
            <p id="phone-hint" class="hint">
              With a plus and the country code, such as +4930123456. Only reminders come by SMS.
            </p>
            <Show when={props.phone}>
              <form class="inline-form" onSubmit={confirm} novalidate>
                <label class="field">
                  <span>Code from the text message</span>
                  <input
                    name="code"
                    value={code()}
                    onInput={(e) => setCode(e.currentTarget.value)}
                    autocomplete="one-time-code"
                    inputmode="numeric"
                    maxLength={6}
                  />
                </label>
                <button class="button button-primary" type="submit" disabled={busy() !== null}>
                  {busy() === 'confirm' ? 'Confirming…' : 'Confirm'}
                </button>
              </form>
            </Show>
          </>
        }
      >
        <dl class="facts">
          <dt>Number</dt>
          <dd>{props.phone?.number}</dd>
        </dl>
        <p class="hint">Confirmed. Reminders you want by SMS are texted there.</p>
      </Show>
      <Show when={props.phone}>
        <p>
          <button
            type="button"
            class="link-button link-danger"
            disabled={busy() !== null}
            onClick={() => void remove()}
          >
            {busy() === 'remove' ? 'Removing…' : 'Remove my phone number'}
          </button>
        </p>
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
