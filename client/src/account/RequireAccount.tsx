import { A, useNavigate } from '@solidjs/router'
import {
  type Accessor,
  createEffect,
  createMemo,
  createSignal,
  type JSX,
  Match,
  onMount,
  Switch,
} from 'solid-js'
import { here, paths } from '../app/paths.ts'
import type { AccountAuth, AccountInfo } from '../lib/account.ts'

/**
 * A page for who is signed in: it asks the server (the refresh cookie may be new, from a
 * sign-in link), sends a visitor who is not to the sign-in page, and says so when this
 * device was signed out while the page was open.
 */
export function RequireAccount(props: {
  auth: AccountAuth
  children: (account: Accessor<AccountInfo>) => JSX.Element
}) {
  const navigate = useNavigate()
  const [checked, setChecked] = createSignal(false)
  onMount(() => {
    void props.auth.start(true).finally(() => setChecked(true))
  })
  const account = createMemo<AccountInfo | null>(() => {
    const s = props.auth.state()
    return s.status === 'signed-in' ? s.account : null
  })
  const notice = () => {
    const s = props.auth.state()
    return s.status === 'signed-out' ? s.notice : null
  }
  // Signed out from this very page (signing out, deleting the account): that page says
  // where to go. Only a visitor who was never signed in here is sent to sign in.
  let wasSignedIn = false
  createEffect(() => {
    const s = props.auth.state()
    if (s.status === 'signed-in') wasSignedIn = true
    else if (checked() && s.status === 'signed-out' && !s.notice && !wasSignedIn)
      navigate(paths.signIn(here()), { replace: true })
  })

  return (
    <Switch
      fallback={
        <main id="main" class="page page-narrow account-page" aria-busy="true">
          <p class="page-loading">Checking your sign-in…</p>
        </main>
      }
    >
      <Match when={account()}>{(current) => props.children(current)}</Match>
      <Match when={notice()}>
        {(why) => (
          <main id="main" class="page page-narrow account-page">
            <section class="card" aria-labelledby="signed-out-heading">
              <h1 id="signed-out-heading">You are signed out</h1>
              <p>{why()}</p>
              <p>
                <A class="button button-primary" href={paths.signIn(here())}>
                  Sign in again
                </A>
              </p>
            </section>
          </main>
        )}
      </Match>
    </Switch>
  )
}
