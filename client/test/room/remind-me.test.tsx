import { DEFAULT_SETTINGS } from '@podium/shared'
import { fireEvent, screen } from '@solidjs/testing-library'
import { afterEach, describe, expect, it } from 'vitest'
import { type AccountAuth, createAccountAuth } from '../../src/lib/account.ts'
import { RemindMe } from '../../src/room/RemindMe.tsx'
import { problem, scriptedServer } from '../helpers/http.ts'
import { renderAt } from '../helpers/router.tsx'

const ada = { id: 'account-1', email: 'ada@example.org', name: 'Ada' }
const opened: AccountAuth[] = []
afterEach(() => {
  for (const auth of opened.splice(0)) auth.close()
})

const inAWeek = Date.now() + 7 * 24 * 3_600_000
const session = (schedule: unknown, status = 'draft') => ({
  id: 'session-1',
  code: 'ABC123',
  title: 'Town hall',
  status,
  settings: DEFAULT_SETTINGS,
  joinUrl: 'https://podium.example/j/ABC123',
  schedule,
})

function room(options: {
  signedIn: boolean
  schedule?: unknown
  status?: string
  follows?: boolean
}) {
  let following = options.follows ?? false
  const server = scriptedServer({
    'POST /api/auth/refresh': () =>
      options.signedIn
        ? {
            body: {
              accessToken: 'account-token',
              expiresAt: Date.now() + 15 * 60_000,
              account: ada,
            },
          }
        : { status: 401, body: problem(401, 'Not signed in.') },
    'GET /api/sessions/session-1': () => ({
      body: session(
        options.schedule === undefined
          ? { startsAt: inAWeek, timeZone: 'Europe/Berlin', local: '2030-01-01T10:00' }
          : options.schedule,
        options.status,
      ),
    }),
    'GET /api/me/follows': () => ({
      body: {
        follows: following
          ? [{ sessionId: 'session-1', title: 'Town hall', code: 'ABC123', schedule: null }]
          : [],
      },
    }),
    'POST /api/me/follows': ({ body }) => {
      if ((body as { code: string }).code !== 'ABC123')
        return { status: 404, body: problem(404, 'No such code.') }
      following = true
      return {
        status: 201,
        body: { sessionId: 'session-1', title: 'Town hall', code: 'ABC123', schedule: null },
      }
    },
    'DELETE /api/me/follows/session-1': () => {
      following = false
      return { status: 204 }
    },
  })
  // The hint a signed-in device keeps, so the account asks the server at once.
  if (options.signedIn) localStorage.setItem('podium:account', JSON.stringify(ada))
  const auth = createAccountAuth({ api: server.api, channelName: `acct-${Math.random()}` })
  opened.push(auth)
  renderAt('/s/session-1', '/s/:sessionId', () => (
    <RemindMe sessionId="session-1" token="participant-token" api={server.api} auth={auth} />
  ))
  return server
}

describe('remind me', () => {
  it('shows the start in the host’s zone, and follows and unfollows with the account', async () => {
    const { sent } = room({ signedIn: true })
    const heading = await screen.findByRole('heading', { name: /^Starts / })
    expect(heading.textContent).toMatch(/\(Europe\/Berlin\)$/)
    expect(sent.find((s) => s.path === '/api/sessions/session-1')?.token).toBe('participant-token')
    fireEvent.click(await screen.findByRole('button', { name: 'Remind me' }))
    await screen.findByText('You get a reminder 24 hours and 15 minutes before it starts.')
    expect(sent.find((s) => s.method === 'POST' && s.path === '/api/me/follows')).toMatchObject({
      body: { code: 'ABC123' },
      token: 'account-token',
    })
    fireEvent.click(screen.getByRole('button', { name: 'Stop reminders' }))
    await screen.findByRole('button', { name: 'Remind me' })
    expect(sent.some((s) => s.method === 'DELETE')).toBe(true)
  })

  it('knows a session followed before', async () => {
    room({ signedIn: true, follows: true })
    expect(await screen.findByRole('button', { name: 'Stop reminders' })).toBeTruthy()
  })

  it('asks a visitor who is not signed in to sign in, and comes back here', async () => {
    room({ signedIn: false })
    const link = await screen.findByRole('link', { name: 'Sign in' })
    expect(link.getAttribute('href')).toBe('/signin?returnTo=%2Fs%2Fsession-1')
    expect(screen.queryByRole('button', { name: 'Remind me' })).toBeNull()
  })

  it('shows nothing without a start to come', async () => {
    const { sent } = room({ signedIn: true, schedule: null })
    await expect.poll(() => sent.some((s) => s.path === '/api/sessions/session-1')).toBe(true)
    expect(screen.queryByRole('heading', { name: /^Starts / })).toBeNull()
    document.body.innerHTML = ''
    room({
      signedIn: true,
      schedule: { startsAt: inAWeek, timeZone: 'UTC', local: '' },
      status: 'ended',
    })
    await new Promise((r) => setTimeout(r, 50))
    expect(screen.queryByRole('heading', { name: /^Starts / })).toBeNull()
  })
})
