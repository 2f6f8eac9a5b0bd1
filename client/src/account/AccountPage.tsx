import { Limits, UpdateAccountBody } from '@podium/shared'
import { createSignal, Show } from 'solid-js'
import { z } from 'zod'
import { ErrorNotice } from '../components/ErrorNotice.tsx'
import { messageOf } from '../components/errors.ts'
import { type AccountAuth, type AccountInfo, accountAuth } from '../lib/account.ts'
import { type Api, api as defaultApi } from '../lib/api.ts'
import type { BrowserPush } from '../lib/push.ts'
import { AccountHeader } from './AccountHeader.tsx'
import { DeleteAccountPanel } from './DeleteAccountPanel.tsx'
import { DevicesPanel } from './DevicesPanel.tsx'
import { FollowsPanel } from './FollowsPanel.tsx'
import { MyDataPanel } from './MyDataPanel.tsx'
import { NotificationSettingsPanels } from './NotificationSettingsPanels.tsx'
import { PlanPanel } from './PlanPanel.tsx'
import { RequireAccount } from './RequireAccount.tsx'
import { SignOutPanel } from './SignOutPanel.tsx'
import './account.css'

const Renamed = z.object({
  account: z.object({ id: z.string(), email: z.string(), name: z.string().nullable() }),
})

/**
 * `/account`: name, e-mail, notifications (what, by which channel, this browser's push, the
 * phone), sessions followed, devices, sign-out, my data, and deleting the account.
 */
export default function AccountPage(props: { api?: Api; auth?: AccountAuth; push?: BrowserPush }) {
  const api = props.api ?? defaultApi
  const auth = props.auth ?? accountAuth()
  return (
    <>
      <AccountHeader auth={auth} showNotice={false} />
      <RequireAccount auth={auth}>
        {(account) => (
          <main id="main" class="page account-page">
            <div class="page-title">
              <h1>Your account</h1>
            </div>
            <ProfilePanel api={api} auth={auth} account={account()} />
            <NotificationSettingsPanels
              api={api}
              auth={auth}
              {...(props.push ? { push: props.push } : {})}
            />
            <FollowsPanel api={api} auth={auth} />
            <PlanPanel api={api} auth={auth} />
            <DevicesPanel api={api} auth={auth} />
            <SignOutPanel auth={auth} account={account()} />
            <MyDataPanel api={api} auth={auth} />
            <DeleteAccountPanel api={api} auth={auth} account={account()} />
          </main>
        )}
      </RequireAccount>
    </>
  )
}

function ProfilePanel(props: { api: Api; auth: AccountAuth; account: AccountInfo }) {
  const [name, setName] = createSignal(props.account.name ?? '')
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal<string | null>(null)
  const [saved, setSaved] = createSignal(false)

  const save = async (event: SubmitEvent) => {
    event.preventDefault()
    const parsed = UpdateAccountBody.safeParse({ name: name() })
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? 'Enter a name.')
      return
    }
    setBusy(true)
    setError(null)
    setSaved(false)
    try {
      const { account } = await props.api.patch(
        '/me',
        parsed.data,
        await props.auth.accessToken(),
        Renamed,
      )
      props.auth.renamed(account)
      setSaved(true)
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="card" aria-labelledby="profile-heading">
      <h2 id="profile-heading">Profile</h2>
      <dl class="facts">
        <dt>E-mail</dt>
        <dd>{props.account.email}</dd>
      </dl>
      <form class="stacked-form" onSubmit={save} novalidate>
        <label class="field">
          <span>Your name</span>
          <input
            name="name"
            value={name()}
            onInput={(e) => {
              setName(e.currentTarget.value)
              setSaved(false)
            }}
            maxLength={Limits.nameLength}
            autocomplete="name"
            aria-describedby="name-hint"
          />
          <small id="name-hint" class="hint">
            Shown with your questions when you do not ask anonymously, in sessions you join from now
            on.
          </small>
        </label>
        <button class="button button-primary" type="submit" disabled={busy()}>
          {busy() ? 'Saving…' : 'Save name'}
        </button>
      </form>
      <ErrorNotice message={error()} />
      <Show when={saved()}>
        <p class="notice notice-ok" role="status">
          Your name is saved.
        </p>
      </Show>
    </section>
  )
}
