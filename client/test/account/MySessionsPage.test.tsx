import { fireEvent, screen, within } from '@solidjs/testing-library'
import { afterEach, describe, expect, it } from 'vitest'
import MySessionsPage from '../../src/account/MySessionsPage.tsx'
import { type AccountAuth, createAccountAuth } from '../../src/lib/account.ts'
import { loadIdentity, saveIdentity } from '../../src/lib/identity.ts'
import { expIn, fakeToken, scriptedServer } from '../helpers/http.ts'
import { renderAt } from '../helpers/router.tsx'

const ada = { id: 'account-1', email: 'ada@example.org', name: 'Ada' }
const opened: AccountAuth[] = []
afterEach(() => {
  for (const auth of opened.splice(0)) auth.close()
})

const session = (id: string, title: string, role: string) => ({
  id,
  title,
  code: `CODE${id.slice(-2)}`,
  status: 'draft',
  role,
  userId: `user-${id}`,
  createdAt: Date.UTC(2026, 2, 12),
  joinedAt: Date.UTC(2026, 2, 12),
})

// One expiry for every host token of a test file: made a second apart, two tokens of one
// session would differ and compare unequal.
const HOST_TOKEN_EXP = expIn(15)
const hostToken = (id: string) =>
  fakeToken({
    typ: 'access',
    sub: `user-${id}`,
    sid: id,
    role: 'host',
    acc: ada.id,
    exp: HOST_TOKEN_EXP,
  })

function page() {
  let hosting = [session('session-01', 'Monday stand-up', 'host')]
  const server = scriptedServer({
    'POST /api/auth/refresh': () => ({
      body: { accessToken: 'account-token', expiresAt: Date.now() + 15 * 60_000, account: ada },
    }),
    'GET /api/me/sessions': () => ({
      body: { hosting, staff: [], attended: [session('session-03', 'All-hands', 'attendee')] },
    }),
    'POST /api/me/sessions/session-01/token': () => ({
      body: {
        sessionId: 'session-01',
        userId: 'user-session-01',
        token: hostToken('session-01'),
        role: 'host',
        name: 'Ada',
      },
    }),
    'POST /api/sessions/session-01/duplicate': () => {
      hosting = [session('session-02', 'Monday stand-up', 'host'), ...hosting]
      return {
        status: 201,
        body: {
          id: 'session-02',
          code: 'COPY02',
          hostToken: hostToken('session-02'),
          hostUserId: 'user-session-02',
          joinUrl: 'http://podium.test/j/COPY02',
        },
      }
    },
    'DELETE /api/sessions/session-02': () => {
      hosting = hosting.filter((s) => s.id !== 'session-02')
      return { status: 204 }
    },
  })
  const auth = createAccountAuth({ api: server.api, channelName: `me-${Math.random()}` })
  opened.push(auth)
  renderAt('/me', '/me', () => <MySessionsPage api={server.api} auth={auth} />)
  return server
}

const hostingList = async () =>
  (await screen.findByRole('heading', { name: /^Hosting/ })).closest('section') as HTMLElement

describe('My sessions', () => {
  it('lists what I host and attended, and opens a session with a token from the account', async () => {
    const { sent } = page()
    const hosting = await hostingList()
    await within(hosting).findByRole('heading', { name: 'Monday stand-up' })
    expect(within(hosting).getByText('CODE01')).toBeTruthy()
    const attended = screen.getByRole('heading', { name: /^Attended/ }).closest('section')
    expect(within(attended as HTMLElement).getByRole('heading', { name: 'All-hands' })).toBeTruthy()
    expect(screen.getByText('Signed in as ada@example.org')).toBeTruthy()

    fireEvent.click(within(hosting).getByRole('button', { name: 'Open Monday stand-up' }))
    await screen.findByText('At /s/session-01/host')
    expect(loadIdentity('session-01')?.token).toBe(hostToken('session-01'))
    const renewal = sent.find((s) => s.path === '/api/me/sessions/session-01/token')
    expect(renewal?.token).toBe('account-token')
  })

  it('duplicates with the host’s session token, and deletes after asking', async () => {
    const { sent } = page()
    const hosting = await hostingList()
    fireEvent.click(
      await within(hosting).findByRole('button', { name: 'Duplicate Monday stand-up' }),
    )
    await screen.findByText(
      '“Monday stand-up” was copied into a new draft session with the code COPY02.',
    )
    expect(sent.find((s) => s.path.endsWith('/duplicate'))?.token).toBe(hostToken('session-01'))
    expect(loadIdentity('session-02')?.role).toBe('host')
    await expect.poll(() => hosting.querySelectorAll('.session-row').length).toBe(2)

    const copy = hosting.querySelector('.session-row') as HTMLElement
    fireEvent.click(within(copy).getByRole('button', { name: 'Delete Monday stand-up' }))
    expect(within(copy).getByText(/for everyone\?/)).toBeTruthy()
    // The copy's token is stored here already: no renewal needed to delete it.
    fireEvent.click(within(copy).getByRole('button', { name: 'Delete session' }))
    await screen.findByText('“Monday stand-up” was deleted.')
    const deleted = sent.find((s) => s.method === 'DELETE')
    expect(deleted?.path).toBe('/api/sessions/session-02')
    // With the copy's host token, stored here when it was made.
    const claims = JSON.parse(
      Buffer.from(deleted?.token?.split('.')[1] ?? '', 'base64url').toString(),
    )
    expect(claims).toMatchObject({ sid: 'session-02', role: 'host', acc: ada.id })
    expect(loadIdentity('session-02')).toBeNull()
    await expect.poll(() => hosting.querySelectorAll('.session-row').length).toBe(1)
  })

  it('offers the sessions this device joined as a guest, and claims them', async () => {
    const guestToken = fakeToken({
      typ: 'access',
      sub: 'guest-1',
      sid: 'session-09',
      role: 'attendee',
      exp: expIn(60),
    })
    saveIdentity({
      sessionId: 'session-09',
      userId: 'guest-1',
      token: guestToken,
      role: 'attendee',
      name: null,
    })
    const { sent } = page()
    await screen.findByRole('heading', {
      name: 'Sessions joined on this device without signing in',
    })
    // (The scripted server knows no such session: it is offered all the same.)
    fireEvent.click(screen.getByRole('button', { name: 'Add them to my account' }))
    await screen.findByText(/^Not added: /)
    const claim = sent.find((s) => s.path === '/api/me/claim')
    expect(claim).toMatchObject({ body: { token: guestToken }, token: 'account-token' })
  })
})
