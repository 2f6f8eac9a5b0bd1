import { fireEvent, screen, within } from '@solidjs/testing-library'
import { afterEach, describe, expect, it } from 'vitest'
import AccountPage from '../../src/account/AccountPage.tsx'
import { type AccountAuth, createAccountAuth } from '../../src/lib/account.ts'
import { problem, scriptedServer } from '../helpers/http.ts'
import { renderAt } from '../helpers/router.tsx'

const ada = { id: 'account-1', email: 'ada@example.org', name: 'Ada' }
const opened: AccountAuth[] = []
afterEach(() => {
  for (const auth of opened.splice(0)) auth.close()
})

const device = (id: string, label: string, current: boolean) => ({
  id,
  label,
  createdAt: Date.UTC(2026, 2, 1, 9),
  lastSeenAt: Date.UTC(2026, 2, 12, 17),
  current,
})

function page() {
  let devices = [
    device('device-1', 'Firefox on Linux', true),
    device('device-2', 'Safari on iOS', false),
  ]
  const server = scriptedServer({
    'POST /api/auth/refresh': () => ({
      body: { accessToken: 'account-token', expiresAt: Date.now() + 15 * 60_000, account: ada },
    }),
    'GET /api/me': () => ({ body: { account: ada, devices } }),
    'GET /api/me/notifications': () => ({
      body: {
        email: ada.email,
        offered: ['email'],
        kinds: [],
        pushPublicKey: '',
        pushSubscriptions: [],
        phone: null,
      },
    }),
    'GET /api/me/follows': () => ({ body: { follows: [] } }),
    'PATCH /api/me': ({ body }) =>
      (body as { name: string }).name.length > 3
        ? { body: { account: { ...ada, ...(body as object) } } }
        : { status: 400, body: problem(400, 'name is too short for this test') },
    'DELETE /api/me/devices/device-2': () => {
      devices = devices.filter((d) => d.id !== 'device-2')
      return { status: 204 }
    },
    'POST /api/auth/logout': () => ({ status: 204 }),
    'DELETE /api/me': () => ({ status: 204 }),
  })
  const auth = createAccountAuth({ api: server.api, channelName: `acct-${Math.random()}` })
  opened.push(auth)
  renderAt('/account', '/account', () => <AccountPage api={server.api} auth={auth} />)
  return { ...server, auth }
}

describe('account page', () => {
  it('renames, and says why the server refused a name', async () => {
    const { auth, sent } = page()
    const name = (await screen.findByLabelText(/^Your name/)) as HTMLInputElement
    expect(name.value).toBe('Ada')
    fireEvent.input(name, { target: { value: 'Ada Lovelace' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save name' }))
    await screen.findByText('Your name is saved.')
    expect(sent.find((s) => s.method === 'PATCH')).toMatchObject({
      body: { name: 'Ada Lovelace' },
      token: 'account-token',
    })
    expect(auth.state()).toEqual({ status: 'signed-in', account: { ...ada, name: 'Ada Lovelace' } })
    fireEvent.input(name, { target: { value: 'Al' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save name' }))
    expect((await screen.findByRole('alert')).textContent).toBe('name is too short for this test')
  })

  it('lists devices and signs another one out', async () => {
    const { sent } = page()
    const devices = (await screen.findByRole('heading', { name: 'Signed-in devices' })).closest(
      'section',
    ) as HTMLElement
    await within(devices).findByText('Safari on iOS')
    expect(within(devices).getByText('This device')).toBeTruthy()
    // This device is signed out below, with a question; the others from their row.
    expect(within(devices).queryByRole('button', { name: 'Sign out Firefox on Linux' })).toBeNull()
    fireEvent.click(within(devices).getByRole('button', { name: 'Sign out Safari on iOS' }))
    await expect.poll(() => within(devices).queryByText('Safari on iOS')).toBeNull()
    expect(sent.find((s) => s.method === 'DELETE')?.path).toBe('/api/me/devices/device-2')
  })

  it('asks whether to keep or wipe this device’s copies before signing out', async () => {
    const { sent } = page()
    fireEvent.click(await screen.findByRole('button', { name: 'Sign out…' }))
    const keep = screen.getByRole('radio', {
      name: /^Keep the sessions stored here/,
    }) as HTMLInputElement
    const wipe = screen.getByRole('radio', {
      name: /^Wipe them from this device/,
    }) as HTMLInputElement
    expect(keep.checked).toBe(true)
    fireEvent.click(wipe)
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }))
    await screen.findByText('At /signin?out=wiped')
    expect(sent.some((s) => s.path === '/api/auth/logout')).toBe(true)
  })

  it('deletes the account only once the address is typed', async () => {
    const { auth, sent } = page()
    fireEvent.click(await screen.findByRole('button', { name: 'Delete my account…' }))
    const confirm = screen.getByRole('button', { name: 'Delete my account' }) as HTMLButtonElement
    expect(confirm.disabled).toBe(true)
    fireEvent.input(screen.getByLabelText('Type ada@example.org to confirm'), {
      target: { value: 'ADA@example.org ' },
    })
    expect(confirm.disabled).toBe(false)
    fireEvent.click(confirm)
    await screen.findByText('At /signin?out=deleted')
    expect(sent.find((s) => s.method === 'DELETE')).toMatchObject({
      path: '/api/me',
      token: 'account-token',
    })
    expect(auth.state()).toEqual({ status: 'signed-out', notice: null })
  })
})
