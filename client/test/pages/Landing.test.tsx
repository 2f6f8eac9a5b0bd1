import { fireEvent, screen, within } from '@solidjs/testing-library'
import { afterEach, describe, expect, it } from 'vitest'
import { type AccountAuth, createAccountAuth } from '../../src/lib/account.ts'
import { loadIdentity, saveIdentity } from '../../src/lib/identity.ts'
import { loadSummary, rememberSummary } from '../../src/lib/session-summaries.ts'
import Landing from '../../src/pages/Landing.tsx'
import { expIn, fakeToken, problem, scriptedServer } from '../helpers/http.ts'
import { renderAt } from '../helpers/router.tsx'

const opened: AccountAuth[] = []
afterEach(() => {
  for (const auth of opened.splice(0)) auth.close()
})

const tokenFor = (sessionId: string, role: string) =>
  fakeToken({ typ: 'access', sub: `user-${sessionId}`, sid: sessionId, role, exp: expIn(60) })

const info = (id: string, title: string, status: string) => ({
  id,
  code: `CODE${id.slice(-2)}`,
  title,
  status,
  settings: {
    preModeration: false,
    anonymousQuestions: true,
    qaOpen: true,
    maxQuestionLength: 300,
  },
  joinUrl: `http://podium.test/j/CODE${id.slice(-2)}`,
  schedule: null,
})

function store(sessionId: string, role: 'host' | 'moderator' | 'presenter' | 'attendee') {
  saveIdentity({
    sessionId,
    userId: `user-${sessionId}`,
    token: tokenFor(sessionId, role),
    role,
    name: null,
  })
}

function landing(routes: Parameters<typeof scriptedServer>[0]) {
  const server = scriptedServer(routes)
  const auth = createAccountAuth({ api: server.api, channelName: `landing-${Math.random()}` })
  opened.push(auth)
  renderAt('/', '/', () => <Landing api={server.api} auth={auth} />)
  return server
}

const list = async () =>
  (await screen.findByRole('heading', { name: /^On this device/ })).closest(
    'section',
  ) as HTMLElement
const row = (section: HTMLElement, sessionId: string) =>
  section.querySelector(`[data-session="${sessionId}"]`) as HTMLElement

describe('the landing page', () => {
  it('shows the private host link once after creating without an account', async () => {
    const hostLink = `http://podium.test/h/${'A'.repeat(43)}`
    const { sent } = landing({
      'POST /api/sessions': () => ({
        status: 201,
        body: {
          id: 'session-01',
          code: 'ABC123',
          hostToken: tokenFor('session-01', 'host'),
          hostUserId: 'user-session-01',
          joinUrl: 'http://podium.test/j/ABC123',
          hostLink,
        },
      }),
      'GET /api/sessions/session-01': () => ({ body: info('session-01', 'Town hall', 'draft') }),
    })
    fireEvent.input(screen.getByLabelText('Session title'), { target: { value: 'Town hall' } })
    fireEvent.click(screen.getByRole('button', { name: 'Create session' }))

    await screen.findByRole('heading', { name: '“Town hall” is ready' })
    expect((screen.getByLabelText('Private host link') as HTMLInputElement).value).toBe(hostLink)
    expect(screen.getByRole('button', { name: 'Copy' })).toBeTruthy()
    expect(
      screen.getByText('Anyone with this link can run the session; keep it private.'),
    ).toBeTruthy()
    const open = screen.getByRole('link', { name: 'Open the host console' })
    expect(open.getAttribute('href')).toBe('/s/session-01/host')
    expect(sent.find((s) => s.path === '/api/sessions')?.body).toEqual({ title: 'Town hall' })
    expect(loadIdentity('session-01')?.role).toBe('host')
    expect(loadSummary('session-01')).toMatchObject({ title: 'Town hall', status: 'draft' })

    fireEvent.click(open)
    await screen.findByText('At /s/session-01/host')
  })

  it('goes straight to the console when the answer has no host link (signed in)', async () => {
    landing({
      'POST /api/sessions': () => ({
        status: 201,
        body: {
          id: 'session-02',
          code: 'ABC124',
          hostToken: tokenFor('session-02', 'host'),
          hostUserId: 'user-session-02',
          joinUrl: 'http://podium.test/j/ABC124',
        },
      }),
    })
    fireEvent.input(screen.getByLabelText('Session title'), { target: { value: 'Owned' } })
    fireEvent.click(screen.getByRole('button', { name: 'Create session' }))
    await screen.findByText('At /s/session-02/host')
  })

  it('lists the sessions this device hosts, staffs and attended, with their state', async () => {
    store('session-11', 'attendee')
    store('session-12', 'host')
    store('session-13', 'moderator')
    const { sent } = landing({
      'GET /api/sessions/session-11': () => ({ body: info('session-11', 'All-hands', 'ended') }),
      'GET /api/sessions/session-12': () => ({ body: info('session-12', 'Town hall', 'live') }),
      'GET /api/sessions/session-13': () => ({ body: info('session-13', 'Offsite', 'draft') }),
    })
    const section = await list()
    await within(section).findByRole('heading', { name: 'Town hall' })
    await within(section).findByRole('heading', { name: 'All-hands' })
    await within(section).findByRole('heading', { name: 'Offsite' })
    // Hosted first, then staffed, then attended.
    expect(
      [...section.querySelectorAll('.session-title')].map((h) => h.textContent?.trim()),
    ).toEqual(['Town hall', 'Offsite', 'All-hands'])
    expect(within(row(section, 'session-12')).getByText('Live')).toBeTruthy()
    expect(within(row(section, 'session-12')).getByText('Host')).toBeTruthy()
    expect(within(row(section, 'session-13')).getByText('Draft')).toBeTruthy()
    expect(within(row(section, 'session-13')).getByText('Moderator')).toBeTruthy()
    expect(within(row(section, 'session-11')).getByText('Ended')).toBeTruthy()
    expect(within(row(section, 'session-11')).getByText('Attendee')).toBeTruthy()
    const links = ['Town hall', 'Offsite', 'All-hands'].map((t) =>
      screen.getByRole('link', { name: `Open ${t}` }).getAttribute('href'),
    )
    expect(links).toEqual(['/s/session-12/host', '/s/session-13/moderate', '/s/session-11'])
    // Each asked with its own token.
    expect(sent.find((s) => s.path === '/api/sessions/session-12')?.token).toBe(
      loadIdentity('session-12')?.token,
    )
    expect(loadSummary('session-12')).toMatchObject({ title: 'Town hall', status: 'live' })
  })

  it('says the last known state when the server cannot be reached, and when a session is gone', async () => {
    store('session-21', 'host')
    store('session-22', 'attendee')
    store('session-23', 'attendee')
    rememberSummary('session-21', {
      title: 'Town hall',
      code: 'CODE21',
      status: 'live',
      checkedAt: Date.UTC(2026, 2, 12, 14, 5),
    })
    landing({
      'GET /api/sessions/session-21': () => ({ status: 503, body: problem(503, 'Down') }),
      'GET /api/sessions/session-22': () => ({ status: 404, body: problem(404, 'Gone') }),
      'GET /api/sessions/session-23': () => ({
        status: 401,
        body: problem(401, 'Your access to this session has expired.'),
      }),
    })
    const section = await list()
    const known = row(section, 'session-21')
    await within(known).findByText(/Could not reach the server: live when last checked/)
    expect(within(known).getByText('Live')).toBeTruthy()
    expect(within(known).getByRole('heading', { name: 'Town hall' })).toBeTruthy()
    const gone = row(section, 'session-22')
    await within(gone).findByText('Deleted')
    expect(within(gone).getByText(/no longer exists/)).toBeTruthy()
    expect(within(gone).queryByRole('link')).toBeNull()
    const refused = row(section, 'session-23')
    await within(refused).findByText('Your access to this session has expired.')
    expect(within(refused).getByText('No access')).toBeTruthy()
  })

  it('forgets a session on this device after asking, saying what it costs', async () => {
    store('session-31', 'host')
    landing({
      'GET /api/sessions/session-31': () => ({ body: info('session-31', 'Town hall', 'draft') }),
    })
    const section = await list()
    await within(section).findByRole('heading', { name: 'Town hall' })
    fireEvent.click(screen.getByRole('button', { name: 'Forget Town hall' }))
    expect(screen.getByText(/you will need its private host link/)).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Keep it' }))
    expect(loadIdentity('session-31')).not.toBeNull()
    fireEvent.click(screen.getByRole('button', { name: 'Forget Town hall' }))
    fireEvent.click(screen.getByRole('button', { name: 'Forget it here' }))
    await screen.findByText('This device forgot “Town hall”.')
    expect(loadIdentity('session-31')).toBeNull()
    expect(loadSummary('session-31')).toBeNull()
    expect(section.querySelectorAll('.session-row')).toHaveLength(0)
  })

  it('lists nothing on a device that holds no session', async () => {
    landing({})
    await screen.findByRole('heading', { name: 'Start a session' })
    expect(screen.queryByRole('heading', { name: /^On this device/ })).toBeNull()
  })
})
