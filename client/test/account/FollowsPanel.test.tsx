import type { FollowedSession } from '@podium/shared'
import { fireEvent, screen, within } from '@solidjs/testing-library'
import { afterEach, describe, expect, it } from 'vitest'
import { FollowsPanel } from '../../src/account/FollowsPanel.tsx'
import { type AccountAuth, createAccountAuth } from '../../src/lib/account.ts'
import { problem, scriptedServer } from '../helpers/http.ts'
import { renderAt } from '../helpers/router.tsx'

const ada = { id: 'account-1', email: 'ada@example.org', name: 'Ada' }
const opened: AccountAuth[] = []
afterEach(() => {
  for (const auth of opened.splice(0)) auth.close()
})

const startsAt = Date.UTC(2030, 2, 29, 8)
const townHall: FollowedSession = {
  sessionId: 'session-1',
  title: 'Town hall',
  code: 'ABC123',
  schedule: { startsAt, timeZone: 'Europe/Berlin', local: '2030-03-29T10:00' },
}

function panel() {
  let follows = [townHall]
  const server = scriptedServer({
    'POST /api/auth/refresh': () => ({
      body: { accessToken: 'account-token', expiresAt: Date.now() + 15 * 60_000, account: ada },
    }),
    'GET /api/me/follows': () => ({ body: { follows } }),
    'POST /api/me/follows': ({ body }) => {
      if ((body as { code: string }).code !== 'XYZ789')
        return {
          status: 404,
          body: problem(404, 'There is no session with the code NOPE. Check the code.'),
        }
      const added = { sessionId: 'session-2', title: 'Retro', code: 'XYZ789', schedule: null }
      follows = [...follows, added]
      return { status: 201, body: added }
    },
    'DELETE /api/me/follows/session-1': () => {
      follows = follows.filter((f) => f.sessionId !== 'session-1')
      return { status: 204 }
    },
  })
  const auth = createAccountAuth({ api: server.api, channelName: `acct-${Math.random()}` })
  opened.push(auth)
  renderAt('/account', '/account', () => <FollowsPanel api={server.api} auth={auth} />)
  return server
}

describe('sessions you follow', () => {
  it('lists them with their start, follows one by code and stops following another', async () => {
    const { sent } = panel()
    const row = (await screen.findByRole('heading', { name: 'Town hall' })).closest('li')!
    expect(row.textContent).toContain('Europe/Berlin')
    expect(row.textContent).toContain('ABC123')

    fireEvent.input(screen.getByLabelText('Follow a session by its code'), {
      target: { value: 'NOPE' },
    })
    fireEvent.click(screen.getByRole('button', { name: 'Follow' }))
    expect((await screen.findByRole('alert')).textContent).toBe(
      'There is no session with the code NOPE. Check the code.',
    )
    fireEvent.input(screen.getByLabelText('Follow a session by its code'), {
      target: { value: 'XYZ789' },
    })
    fireEvent.click(screen.getByRole('button', { name: 'Follow' }))
    await screen.findByText(/You follow “Retro”. It has no start time yet/)
    const retro = (await screen.findByRole('heading', { name: 'Retro' })).closest('li')!
    expect(within(retro).getByText('No start time set yet')).toBeTruthy()

    // The list was read again: the row is a new one.
    fireEvent.click(screen.getByRole('button', { name: 'Stop following Town hall' }))
    await screen.findByText('You no longer follow “Town hall”.')
    await expect.poll(() => screen.queryByRole('heading', { name: 'Town hall' })).toBeNull()
    expect(sent.find((s) => s.method === 'DELETE')).toMatchObject({
      path: '/api/me/follows/session-1',
      token: 'account-token',
    })
  })

  it('says when the list cannot be loaded', async () => {
    const server = scriptedServer({
      'POST /api/auth/refresh': () => ({
        body: { accessToken: 't', expiresAt: Date.now() + 15 * 60_000, account: ada },
      }),
    })
    const auth = createAccountAuth({ api: server.api, channelName: `acct-${Math.random()}` })
    opened.push(auth)
    renderAt('/account', '/account', () => <FollowsPanel api={server.api} auth={auth} />)
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The sessions you follow could not be loaded. Not here',
    )
  })
})
