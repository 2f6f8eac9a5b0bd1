import { A } from '@solidjs/router'
import { Match, Show, Switch } from 'solid-js'
import { paths } from '../app/paths.ts'
import type { AccountAuth } from '../lib/account.ts'
import './account.css'

/**
 * The bar above the public and account pages: who is signed in and where their pages
 * are, or a way to sign in; and, when this device was signed out while in use, why.
 */
export function AccountHeader(props: {
  auth: AccountAuth
  /** False where the page itself says why this device is signed out. */
  showNotice?: boolean
  /** False on the start page, whose heading is the name already. */
  showBrand?: boolean
}) {
  const state = () => props.auth.state()
  return (
    <header class="account-bar">
      <nav
        class="account-nav"
        classList={{ 'no-brand': props.showBrand === false }}
        aria-label="Account"
      >
        <Show when={props.showBrand !== false}>
          <A class="brand" href={paths.landing()} end>
            Podium
          </A>
        </Show>
        <Switch>
          <Match when={state().status === 'signed-in'}>
            <A href={paths.mySessions()} activeClass="current" end>
              My sessions
            </A>
            <A href={paths.account()} activeClass="current" end>
              Account
            </A>
          </Match>
          <Match when={state().status === 'signed-out'}>
            <A href={paths.signIn()} activeClass="current" end>
              Sign in
            </A>
          </Match>
        </Switch>
      </nav>
      <Show
        when={(() => {
          const s = state()
          return s.status === 'signed-out' && props.showNotice !== false ? s.notice : null
        })()}
      >
        {(notice) => (
          <p class="notice account-notice" role="alert">
            {notice()} <A href={paths.signIn(window.location.pathname)}>Sign in again</A>
          </p>
        )}
      </Show>
    </header>
  )
}
