import { KIND_RULES, NOTIFICATION_KINDS, type NotificationSettings } from '@podium/shared'
import { fireEvent, screen, within } from '@solidjs/testing-library'
import { afterEach, describe, expect, it } from 'vitest'
import AccountPage from '../../src/account/AccountPage.tsx'
import { type AccountAuth, createAccountAuth } from '../../src/lib/account.ts'
import type { BrowserPush } from '../../src/lib/push.ts'
import { problem, type Sent, scriptedServer } from '../helpers/http.ts'
import { renderAt } from '../helpers/router.tsx'

const ada = { id: 'account-1', email: 'ada@example.org', name: 'Ada' }
const opened: AccountAuth[] = []
afterEach(() => {
  for (const auth of opened.splice(0)) auth.close()
})

// A real P-256 public key's length (65 bytes), base64url, as the server gives it.
const VAPID_KEY = `B${'A'.repeat(86)}`

type Offered = NotificationSettings['offered']

/** The server's notification settings, kept in memory and changed as the routes would. */
function settingsServer(offered: Offered = ['email', 'push']) {
  const chosen = Object.fromEntries(
    NOTIFICATION_KINDS.map((kind) => [kind, { ...KIND_RULES[kind].channels }]),
  ) as Record<string, Record<string, boolean>>
  let subscriptions: NotificationSettings['pushSubscriptions'] = []
  let phone: NotificationSettings['phone'] = null
  const settings = (): NotificationSettings => ({
    email: ada.email,
    offered,
    kinds: NOTIFICATION_KINDS.map((kind) => ({
      kind,
      label: KIND_RULES[kind].label,
      transactional: KIND_RULES[kind].transactional,
      channels: Object.fromEntries(
        Object.entries(chosen[kind] ?? {}).filter(([c]) => offered.includes(c as Offered[number])),
      ),
    })),
    pushPublicKey: VAPID_KEY,
    pushSubscriptions: subscriptions,
    phone,
  })
  let n = 0
  const routes = {
    'POST /api/auth/refresh': () => ({
      body: { accessToken: 'account-token', expiresAt: Date.now() + 15 * 60_000, account: ada },
    }),
    'GET /api/me': () => ({ body: { account: ada, devices: [] } }),
    'GET /api/me/follows': () => ({ body: { follows: [] } }),
    'GET /api/me/notifications': () => ({ body: settings() }),
    'PUT /api/me/notifications': ({ body }: Sent) => {
      const kinds = (body as { kinds: Record<string, Record<string, boolean>> }).kinds
      if (kinds['sign-in'])
        return { status: 400, body: problem(400, 'sign-in is transactional; it is always sent') }
      for (const [kind, channels] of Object.entries(kinds)) Object.assign(chosen[kind]!, channels)
      return { body: settings() }
    },
    'POST /api/push/subscriptions': ({ body }: Sent) => {
      const { endpoint } = body as { endpoint: string }
      if (!endpoint.startsWith('https:'))
        return { status: 400, body: problem(400, 'endpoint must be an https URL') }
      const id = `sub-${++n}`
      subscriptions = [...subscriptions, { id, host: new URL(endpoint).host, createdAt: 1 }]
      return { status: 201, body: { id } }
    },
  } as Record<string, (sent: Sent) => { status?: number; body?: unknown }>
  return {
    routes,
    chosen,
    setPhone: (p: typeof phone) => {
      phone = p
    },
    addSubscription: (id: string, host: string) => {
      subscriptions = [...subscriptions, { id, host, createdAt: 2 }]
    },
    removeSubscription: (id: string) => {
      subscriptions = subscriptions.filter((s) => s.id !== id)
    },
  }
}

/**
 * A browser's push, played by the test: a PushManager that makes subscriptions with the
 * shape browsers give (`toJSON()` with the endpoint and keys), and a permission prompt
 * that answers as told and counts how often it was shown.
 */
function fakeBrowser(
  answer: NotificationPermission = 'granted',
  endpoint = 'https://push.example/e/1',
) {
  let permission: NotificationPermission = 'default'
  let current: PushSubscription | null = null
  const calls = { prompts: 0, subscribes: [] as PushSubscriptionOptionsInit[], unsubscribed: 0 }
  const subscription = (options: PushSubscriptionOptionsInit) =>
    ({
      endpoint,
      options: { applicationServerKey: (options.applicationServerKey as Uint8Array).buffer },
      toJSON: () => ({
        endpoint,
        expirationTime: null,
        keys: { p256dh: `B${'p'.repeat(86)}`, auth: 'a'.repeat(22) },
      }),
      unsubscribe: async () => {
        calls.unsubscribed++
        current = null
        return true
      },
    }) as unknown as PushSubscription
  const manager = {
    getSubscription: async () => current,
    subscribe: async (options: PushSubscriptionOptionsInit) => {
      calls.subscribes.push(options)
      current = subscription(options)
      return current
    },
  } as unknown as PushManager
  const push: BrowserPush = {
    supported: () => true,
    permission: () => permission,
    requestPermission: async () => {
      calls.prompts++
      permission = answer
      return answer
    },
    pushManager: async () => manager,
  }
  return { push, calls }
}

function page(
  server: ReturnType<typeof settingsServer>,
  extra: Record<string, (sent: Sent) => { status?: number; body?: unknown }> = {},
  push?: BrowserPush,
) {
  const scripted = scriptedServer({ ...server.routes, ...extra })
  const auth = createAccountAuth({ api: scripted.api, channelName: `acct-${Math.random()}` })
  opened.push(auth)
  renderAt('/account', '/account', () => (
    <AccountPage api={scripted.api} auth={auth} {...(push ? { push } : {})} />
  ))
  return scripted
}

const section = async (heading: string) =>
  (await screen.findByRole('heading', { name: heading })).closest('section') as HTMLElement

/** The choices panel, once the settings have loaded. */
const choices = async () => (await screen.findByRole('table')).closest('section') as HTMLElement

// Role queries over the whole account page are slow in jsdom on a loaded machine.
describe('notification choices', { timeout: 15_000 }, () => {
  it('shows kinds by offered channel, transactional ones always on, and saves a change', async () => {
    const server = settingsServer(['email', 'push'])
    const { sent } = page(server)
    const panel = await choices()
    const headers = within(panel)
      .getAllByRole('columnheader')
      .map((th) => th.textContent)
    expect(headers).toEqual(['Kind', 'E-mail', 'Browser'])
    const signIn = within(panel).getByRole('checkbox', {
      name: 'Sign-in links by E-mail',
    }) as HTMLInputElement
    expect(signIn.checked).toBe(true)
    expect(signIn.disabled).toBe(true)
    expect(signIn.getAttribute('aria-describedby')).toBe('always-sign-in')
    expect(document.getElementById('always-sign-in')?.textContent).toMatch(/Always sent/)
    // Phone codes go by SMS only, which this server does not offer: no row for them.
    expect(within(panel).queryByRole('row', { name: /confirm your phone number/ })).toBeNull()
    // A kind without push has no box there, and says so to screen readers.
    const summaryRow = within(panel).getByRole('row', { name: /summary after a session/ })
    expect(within(summaryRow).getAllByRole('checkbox')).toHaveLength(1)
    expect(summaryRow.textContent).toContain('Not sent by Browser')

    const save = within(panel).getByRole('button', {
      name: 'Save notification choices',
    }) as HTMLButtonElement
    expect(save.disabled).toBe(true)
    const answered = within(panel).getByRole('checkbox', {
      name: 'Your question was answered by Browser',
    }) as HTMLInputElement
    expect(answered.checked).toBe(false)
    fireEvent.click(answered)
    const reminderSms = within(panel).queryByRole('checkbox', { name: /Reminders.*by SMS/ })
    expect(reminderSms).toBeNull()
    fireEvent.click(within(panel).getByRole('checkbox', { name: /^Reminders.* by E-mail$/ }))
    fireEvent.click(save)
    await within(panel).findByText('Your notification choices are saved.')
    expect(sent.find((s) => s.method === 'PUT')).toMatchObject({
      path: '/api/me/notifications',
      token: 'account-token',
      body: { kinds: { answered: { push: true }, reminder: { email: false } } },
    })
    expect(server.chosen.answered).toEqual({ email: false, push: true })
    expect(answered.checked).toBe(true)
    expect(save.disabled).toBe(true)
  })

  it('a change and its undo send nothing; a refusal is shown in the server’s words', async () => {
    const server = settingsServer(['email'])
    const { sent } = page(server, {
      'PUT /api/me/notifications': () => ({
        status: 400,
        body: problem(400, 'push is not offered by this server'),
      }),
    })
    const panel = await choices()
    const invite = within(panel).getByRole('checkbox', {
      name: 'Invitations to moderate or present by E-mail',
    })
    const save = within(panel).getByRole('button', { name: 'Save notification choices' })
    fireEvent.click(invite)
    fireEvent.click(invite)
    expect((save as HTMLButtonElement).disabled).toBe(true)
    fireEvent.click(invite)
    fireEvent.click(save)
    expect((await within(panel).findByRole('alert')).textContent).toBe(
      'Your choices were not saved. push is not offered by this server',
    )
    expect(sent.filter((s) => s.method === 'PUT')).toHaveLength(1)
    // What the person chose stays on the page, to save again.
    expect((invite as HTMLInputElement).checked).toBe(false)
  })

  it('says so when the settings cannot be loaded', async () => {
    const server = settingsServer()
    page(server, {
      'GET /api/me/notifications': () => ({ status: 500, body: problem(500, 'Database down.') }),
    })
    const panel = await section('Notifications')
    expect((await within(panel).findByRole('alert')).textContent).toBe(
      'Your notification settings could not be loaded. Database down.',
    )
  })
})

describe('push in this browser', { timeout: 15_000 }, () => {
  it('asks for permission only on the click, subscribes with the server key, and lists it', async () => {
    const server = settingsServer()
    const browser = fakeBrowser()
    const { sent } = page(server, {}, browser.push)
    const panel = await section('Notifications in the browser')
    expect(within(panel).getByText(/None yet/)).toBeTruthy()
    expect(browser.calls.prompts).toBe(0)
    fireEvent.click(
      within(panel).getByRole('button', { name: 'Turn on notifications in this browser' }),
    )
    await within(panel).findByText('Notifications are on in this browser.')
    expect(browser.calls.prompts).toBe(1)
    const [options] = browser.calls.subscribes
    expect(options?.userVisibleOnly).toBe(true)
    const key = options?.applicationServerKey as Uint8Array
    expect(key.length).toBe(65)
    expect(key[0]).toBe(4)
    expect(sent.find((s) => s.path === '/api/push/subscriptions')).toMatchObject({
      method: 'POST',
      token: 'account-token',
      body: { endpoint: 'https://push.example/e/1', keys: { auth: 'a'.repeat(22) } },
    })
    expect(within(panel).getByText('This browser')).toBeTruthy()
    expect(within(panel).getByText(/Through push\.example/)).toBeTruthy()
    expect(within(panel).queryByRole('button', { name: /Turn on/ })).toBeNull()
  })

  it('removes this browser (and unsubscribes it) or another one', async () => {
    const server = settingsServer()
    server.addSubscription('sub-other', 'fcm.googleapis.com')
    const browser = fakeBrowser()
    const { sent } = page(
      server,
      {
        'DELETE /api/push/subscriptions/sub-other': () => {
          server.removeSubscription('sub-other')
          return { status: 204 }
        },
        'DELETE /api/push/subscriptions/sub-1': () => {
          server.removeSubscription('sub-1')
          return { status: 204 }
        },
      },
      browser.push,
    )
    const panel = await section('Notifications in the browser')
    fireEvent.click(
      within(panel).getByRole('button', { name: 'Turn on notifications in this browser' }),
    )
    await within(panel).findByText('Notifications are on in this browser.')
    fireEvent.click(within(panel).getByRole('button', { name: /^Remove the browser added/ }))
    await within(panel).findByText('That browser gets no more notifications.')
    expect(within(panel).queryByText(/fcm\.googleapis\.com/)).toBeNull()
    fireEvent.click(within(panel).getByRole('button', { name: 'Remove this browser' }))
    await within(panel).findByText('This browser gets no more notifications.')
    expect(browser.calls.unsubscribed).toBe(1)
    expect(sent.filter((s) => s.method === 'DELETE').map((s) => s.path)).toEqual([
      '/api/push/subscriptions/sub-other',
      '/api/push/subscriptions/sub-1',
    ])
    expect(within(panel).getByRole('button', { name: 'Turn on notifications in this browser' }))
  })

  it('explains a refused permission, a browser without push, and a refused endpoint', async () => {
    const denied = fakeBrowser('denied')
    page(settingsServer(), {}, denied.push)
    let panel = await section('Notifications in the browser')
    fireEvent.click(
      within(panel).getByRole('button', { name: 'Turn on notifications in this browser' }),
    )
    await within(panel).findByText(/This browser blocks notifications from this site/)
    expect(denied.calls.subscribes).toHaveLength(0)

    document.body.innerHTML = ''
    const local = fakeBrowser('granted', 'http://127.0.0.1/push')
    page(settingsServer(), {}, local.push)
    panel = await section('Notifications in the browser')
    fireEvent.click(
      within(panel).getByRole('button', { name: 'Turn on notifications in this browser' }),
    )
    expect((await within(panel).findByRole('alert')).textContent).toBe(
      'endpoint must be an https URL',
    )

    document.body.innerHTML = ''
    const none: BrowserPush = { ...local.push, supported: () => false }
    page(settingsServer(), {}, none)
    panel = await section('Notifications in the browser')
    expect(panel.textContent).toContain('This browser cannot receive push notifications.')
    expect(within(panel).queryByRole('button')).toBeNull()
  })

  it('is not shown when the server does not offer push', async () => {
    page(settingsServer(['email']))
    await section('Notifications')
    expect(screen.queryByRole('heading', { name: 'Notifications in the browser' })).toBeNull()
  })
})

describe('phone for SMS', { timeout: 15_000 }, () => {
  it('is only offered when the server has SMS', async () => {
    page(settingsServer(['email', 'push']))
    await section('Notifications')
    expect(screen.queryByRole('heading', { name: 'Phone for SMS reminders' })).toBeNull()
  })

  it('sends a code, confirms it, and removes the number', async () => {
    const server = settingsServer(['email', 'push', 'sms'])
    let tries = 0
    const { sent } = page(server, {
      'PUT /api/me/phone': ({ body }) => ({
        status: 202,
        body: { number: (body as { phone: string }).phone, confirmed: false },
      }),
      'POST /api/me/phone/confirm': ({ body }) =>
        (body as { code: string }).code === '123456'
          ? { body: { number: '+4930123456', confirmed: true } }
          : {
              status: 400,
              body: problem(
                400,
                `That is not the code sent to +4930123456. ${4 - tries++} tries left.`,
              ),
            },
      'DELETE /api/me/phone': () => ({ status: 204 }),
    })
    const panel = await section('Phone for SMS reminders')
    const number = within(panel).getByLabelText('Phone number') as HTMLInputElement
    expect(number.getAttribute('aria-describedby')).toBe('phone-hint')
    expect(document.getElementById('phone-hint')?.textContent).toContain('+4930123456')
    fireEvent.input(number, { target: { value: '030 123456' } })
    fireEvent.click(within(panel).getByRole('button', { name: 'Send me a code' }))
    expect((await within(panel).findByRole('alert')).textContent).toBe(
      'phone must be a number with its country code, such as +4930123456',
    )
    expect(sent.some((s) => s.path === '/api/me/phone')).toBe(false)

    fireEvent.input(number, { target: { value: '+49 30 123456' } })
    fireEvent.click(within(panel).getByRole('button', { name: 'Send me a code' }))
    await within(panel).findByText('A code was texted to +4930123456. It works for 10 minutes.')
    expect(sent.find((s) => s.path === '/api/me/phone')?.body).toEqual({ phone: '+4930123456' })

    const code = within(panel).getByLabelText('Code from the text message')
    fireEvent.input(code, { target: { value: '654321' } })
    fireEvent.click(within(panel).getByRole('button', { name: 'Confirm' }))
    expect((await within(panel).findByRole('alert')).textContent).toBe(
      'That is not the code sent to +4930123456. 4 tries left.',
    )
    fireEvent.input(code, { target: { value: '123456' } })
    fireEvent.click(within(panel).getByRole('button', { name: 'Confirm' }))
    await within(panel).findByText(/\+4930123456 is confirmed/)
    expect(within(panel).queryByLabelText('Phone number')).toBeNull()

    fireEvent.click(within(panel).getByRole('button', { name: 'Remove my phone number' }))
    await within(panel).findByText(/Your phone number is removed/)
    expect(within(panel).getByLabelText('Phone number')).toBeTruthy()
  })

  it('says what the server says for too many codes and for SMS not configured', async () => {
    const server = settingsServer(['email', 'sms'])
    server.setPhone({ number: '+4930123456', confirmed: false })
    let answer = 429
    page(server, {
      'PUT /api/me/phone': () =>
        answer === 429
          ? {
              status: 429,
              body: problem(
                429,
                'Codes were sent to you 5 times in the last hour. Wait an hour, then ask again.',
              ),
            }
          : {
              status: 501,
              body: problem(
                501,
                'SMS is not configured on this server, so phone numbers are not used. Notifications come by e-mail and push.',
              ),
            },
    })
    const panel = await section('Phone for SMS reminders')
    expect((within(panel).getByLabelText('Phone number') as HTMLInputElement).value).toBe(
      '+4930123456',
    )
    fireEvent.click(within(panel).getByRole('button', { name: 'Send a new code' }))
    expect((await within(panel).findByRole('alert')).textContent).toBe(
      'Codes were sent to you 5 times in the last hour. Wait an hour, then ask again.',
    )
    answer = 501
    fireEvent.click(within(panel).getByRole('button', { name: 'Send a new code' }))
    await within(panel).findByText(/SMS is not configured on this server/)
  })
})
