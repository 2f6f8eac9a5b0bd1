import { screen } from '@solidjs/testing-library'
import { describe, expect, it } from 'vitest'
import { loadIdentity } from '../../src/lib/identity.ts'
import HostLinkPage from '../../src/pages/HostLinkPage.tsx'
import { expIn, fakeToken, problem, scriptedServer } from '../helpers/http.ts'
import { renderAt } from '../helpers/router.tsx'

const TOKEN = 'B'.repeat(43)

function open(token: string, routes: Parameters<typeof scriptedServer>[0]) {
  const server = scriptedServer(routes)
  renderAt(`/h/${token}`, '/h/:token', () => <HostLinkPage api={server.api} />)
  return server
}

describe('the host link page', () => {
  it('exchanges the link for the host’s access and opens the console', async () => {
    const hostToken = fakeToken({
      typ: 'access',
      sub: 'host-1',
      sid: 'session-1',
      role: 'host',
      name: 'Hana',
      exp: expIn(60),
    })
    const { sent } = open(TOKEN, {
      'POST /api/host-link': () => ({
        body: {
          id: 'session-1',
          code: 'ABC234',
          hostToken,
          hostUserId: 'host-1',
          joinUrl: 'http://podium.test/j/ABC234',
        },
      }),
    })
    await screen.findByText('At /s/session-1/host')
    expect(sent[0]?.body).toEqual({ token: TOKEN })
    expect(loadIdentity('session-1')).toEqual({
      sessionId: 'session-1',
      userId: 'host-1',
      token: hostToken,
      role: 'host',
      name: 'Hana',
    })
  })

  it.each([
    [400, 'This host link is incomplete', /cut off when copied/],
    [404, 'This host link does not work', /mistyped, or the session was deleted/],
    [410, 'This host link was replaced', /newer host link was made/],
  ])('answered %i, says why in words and what to do', async (status, title, text) => {
    open('abc', {
      'POST /api/host-link': () => ({ status, body: problem(status, 'refused') }),
    })
    await screen.findByRole('heading', { name: title })
    expect(screen.getByText(text)).toBeTruthy()
    expect(screen.getByRole('link', { name: 'Go to the start page' })).toBeTruthy()
    expect(screen.getByRole('link', { name: 'Sign in' })).toBeTruthy()
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull()
    expect(localStorage.length).toBe(0)
  })

  it('offers to try again when the server cannot be reached', async () => {
    let calls = 0
    open(TOKEN, {
      'POST /api/host-link': () => {
        calls++
        throw new TypeError('Failed to fetch')
      },
    })
    await screen.findByRole('heading', { name: 'Cannot reach the server' })
    screen.getByRole('button', { name: 'Try again' }).click()
    await expect.poll(() => calls).toBe(2)
  })
})
