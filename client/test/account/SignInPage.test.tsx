import { fireEvent, screen } from '@solidjs/testing-library'
import { afterEach, describe, expect, it } from 'vitest'
import SignInPage from '../../src/account/SignInPage.tsx'
import { FAILURE_CODES, signInFailure } from '../../src/account/sign-in-errors.ts'
import { type AccountAuth, createAccountAuth } from '../../src/lib/account.ts'
import { scriptedServer } from '../helpers/http.ts'
import { renderAt } from '../helpers/router.tsx'

const opened: AccountAuth[] = []
afterEach(() => {
  for (const auth of opened.splice(0)) auth.close()
})

function page(url: string) {
  const server = scriptedServer({
    'GET /api/auth/providers': () => ({
      body: {
        providers: [
          { id: 'email', name: 'E-mail' },
          { id: 'oidc', name: 'Acme SSO' },
          { id: 'github', name: 'GitHub' },
        ],
      },
    }),
    'POST /api/auth/email': () => ({ status: 202 }),
  })
  const auth = createAccountAuth({ api: server.api, channelName: `signin-${Math.random()}` })
  opened.push(auth)
  renderAt(url, '/signin', () => <SignInPage api={server.api} auth={auth} />)
  return server
}

describe('sign-in page', () => {
  it('offers a button per provider that comes back where the visitor was going', async () => {
    page('/signin?returnTo=%2Fj%2FK7M2QX')
    const sso = await screen.findByRole('link', { name: 'Continue with Acme SSO' })
    expect(sso.getAttribute('href')).toBe('/api/auth/oidc/start?returnTo=%2Fj%2FK7M2QX')
    // A page load past the app's router, to the server's redirect.
    expect(sso.getAttribute('rel')).toBe('external')
    expect(screen.getByRole('link', { name: 'Continue with GitHub' }).getAttribute('href')).toBe(
      '/api/auth/github/start?returnTo=%2Fj%2FK7M2QX',
    )
  })

  it('never sends anyone elsewhere: a returnTo off this site becomes My sessions', async () => {
    page('/signin?returnTo=https%3A%2F%2Fevil.example%2F')
    const sso = await screen.findByRole('link', { name: 'Continue with Acme SSO' })
    expect(sso.getAttribute('href')).toBe('/api/auth/oidc/start?returnTo=%2Fme')
  })

  it('sends the link and says to check the mail', async () => {
    const { sent } = page('/signin')
    fireEvent.input(await screen.findByLabelText(/^E-mail address/), {
      target: { value: ' Ada@Example.org ' },
    })
    fireEvent.click(screen.getByRole('button', { name: 'Send me a sign-in link' }))
    await screen.findByRole('heading', { name: 'Check your mail' })
    expect(screen.getByRole('status').textContent).toBe(
      'We sent a sign-in link to ada@example.org.',
    )
    expect(sent.find((s) => s.method === 'POST')).toMatchObject({
      path: '/api/auth/email',
      body: { email: 'ada@example.org', returnTo: '/me' },
    })
    fireEvent.click(screen.getByRole('button', { name: 'Send another link' }))
    await expect
      .poll(() => screen.getByRole('status').textContent)
      .toBe('We sent another sign-in link to ada@example.org.')
    expect(sent.filter((s) => s.method === 'POST')).toHaveLength(2)
  })

  it('refuses what is not an address before sending anything', async () => {
    const { sent } = page('/signin')
    fireEvent.input(await screen.findByLabelText(/^E-mail address/), {
      target: { value: 'ada at home' },
    })
    fireEvent.click(screen.getByRole('button', { name: 'Send me a sign-in link' }))
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Enter your e-mail address, such as ada@example.org.',
    )
    expect(sent.filter((s) => s.method === 'POST')).toEqual([])
  })

  it('says what happened and what to do for every failure the server names', async () => {
    expect(FAILURE_CODES.sort()).toEqual(
      [
        'link-invalid',
        'link-used',
        'link-expired',
        'state-mismatch',
        'provider-error',
        'provider-denied',
        'provider-unreachable',
        'no-verified-email',
      ].sort(),
    )
    page('/signin?error=link-expired')
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toBe(
      'This sign-in link has expired.Links work for 15 minutes. Ask for a new link below.',
    )
    expect(signInFailure('made-up')?.title).toBe('The sign-in did not work')
    expect(signInFailure(null)).toBeNull()
  })
})
