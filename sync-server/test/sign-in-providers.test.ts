import { createHash, generateKeyPairSync, sign } from 'node:crypto'
import { createServer } from 'node:net'
import type { MutableRedirectUri, MutableResponse } from 'oauth2-mock-server'
import { randomPKCECodeVerifier } from 'openid-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { refreshWith, signInByEmail } from '../../test-support/accounts.ts'
import { type GitHubStandIn, type GitHubUser, startGitHub } from '../../test-support/github.ts'
import { type Inbox, startInbox } from '../../test-support/mail.ts'
import { type OidcPerson, startIssuer, type TestIssuer } from '../../test-support/oidc.ts'
import { request, startPodium, startPodiumOn, type TestPodium } from '../../test-support/podium.ts'
import { DIALECTS } from './helpers/databases.ts'

// Signing in through OpenID Connect (a real oauth2-mock-server) and GitHub (a wire-level
// stand-in), driven over HTTP as a browser drives it: Podium's start → the provider →
// Podium's callback, one redirect at a time.

const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
let serial = 0
const unique = () => `${Date.now().toString(36)}-${++serial}`
const address = () => `person-${unique()}@example.org`

/** What Podium's /api/me answers, as far as these tests read it. */
interface Me {
  account: { id: string; email: string; name: string | null }
  devices: Array<{ id: string; current: boolean }>
}

/** An answer's body: a problem's `detail`, or whatever JSON it was. */
type Body = { detail?: string } & Record<string, unknown>

interface Hop {
  status: number
  location: string | null
  body: Body
  contentType: string | null
  /** The refresh cookie this answer set, if any. */
  refreshCookie: string | undefined
}

/** A browser's side of a sign-in: the cookies Podium sets, and one request per redirect. */
class Browser {
  readonly cookies = new Map<string, string>()

  constructor(
    private readonly origin: string,
    private readonly accept = 'application/json',
  ) {}

  async get(url: string): Promise<Hop> {
    const headers: Record<string, string> = {
      accept: this.accept,
      'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0',
    }
    const ours = url.startsWith(this.origin)
    if (ours && this.cookies.size > 0)
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    const response = await fetch(url, { redirect: 'manual', headers })
    const text = await response.text()
    let refreshCookie: string | undefined
    for (const line of ours ? response.headers.getSetCookie() : []) {
      const [pair = ''] = line.split(';')
      const name = pair.slice(0, pair.indexOf('='))
      const value = pair.slice(pair.indexOf('=') + 1)
      if (!value || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name)
      else this.cookies.set(name, value)
      if (name === 'podium_refresh' && value) refreshCookie = value
    }
    let body: Body = {}
    try {
      body = text ? JSON.parse(text) : {}
    } catch {
      // not JSON: a redirect's or an error page's text
    }
    return {
      status: response.status,
      location: response.headers.get('location'),
      body,
      contentType: response.headers.get('content-type'),
      refreshCookie,
    }
  }
}

/** The provider's part: follows its authorize URL to where it sends the browser back. */
async function atProvider(authorizeUrl: string): Promise<string> {
  const response = await fetch(authorizeUrl, { redirect: 'manual' })
  await response.arrayBuffer()
  const back = response.headers.get('location')
  if (response.status !== 302 || !back)
    throw new Error(`the provider answered ${response.status} to ${authorizeUrl}`)
  return back
}

describe.each(DIALECTS)('signing in through a provider on %s', (dialect) => {
  let issuer: TestIssuer
  let github: GitHubStandIn
  let inbox: Inbox
  let server: TestPodium
  const api = (path: string) => `${server.url}/api${path}`
  const db = () => server.podium.services.db.kysely

  beforeAll(async () => {
    issuer = await startIssuer()
    github = await startGitHub()
    inbox = await startInbox()
    server = await startPodiumOn(dialect, {
      SMTP_URL: inbox.url,
      OIDC_ISSUER: issuer.url,
      OIDC_CLIENT_ID: 'podium',
      OIDC_CLIENT_SECRET: 'podium-client-secret',
      OIDC_NAME: 'Company login',
      GITHUB_CLIENT_ID: github.clientId,
      GITHUB_CLIENT_SECRET: github.clientSecret,
      GITHUB_URL: github.url,
      GITHUB_API_URL: github.apiUrl,
    })
  })
  afterAll(async () => {
    await server?.close()
    await inbox?.close()
    await github?.close()
    await issuer?.close()
  })

  /** How many accounts, identities and signed-in devices there are: what a refusal must not change. */
  async function written() {
    const count = async (table: 'accounts' | 'identities' | 'devices') =>
      Number(
        (
          await db()
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    return {
      accounts: await count('accounts'),
      identities: await count('identities'),
      devices: await count('devices'),
    }
  }

  /** Start → provider → the callback URL, in `browser`; `between` runs after the start. */
  async function toCallback(
    browser: Browser,
    provider: 'oidc' | 'github',
    between?: (state: string) => Promise<void>,
  ): Promise<string> {
    const start = await browser.get(api(`/auth/${provider}/start?returnTo=/me`))
    expect(start.status, JSON.stringify(start.body)).toBe(302)
    const state = new URL(start.location ?? '').searchParams.get('state') ?? ''
    await between?.(state)
    return atProvider(start.location ?? '')
  }

  /** A whole sign-in through the issuer as `person`; the callback's answer. */
  async function viaIssuer(
    person: OidcPerson,
    options: { accept?: string; between?: (state: string) => Promise<void> } = {},
  ): Promise<Hop> {
    issuer.signInAs(person)
    const browser = new Browser(server.url, options.accept)
    return browser.get(await toCallback(browser, 'oidc', options.between))
  }

  async function viaGitHub(
    user: GitHubUser,
    options: { accept?: string; between?: (state: string) => Promise<void> } = {},
  ): Promise<Hop> {
    github.signInAs(user)
    const browser = new Browser(server.url, options.accept)
    return browser.get(await toCallback(browser, 'github', options.between))
  }

  /** The account a refresh cookie leads to. */
  async function accountOf(cookie: string | undefined) {
    expect(cookie, 'a refresh cookie').toBeDefined()
    const renewed = await refreshWith(server.url, cookie ?? '')
    expect(renewed.status).toBe(200)
    return renewed.body as { accessToken: string; account: { id: string; email: string } }
  }

  /** A refusal as problem+json that wrote nothing. */
  async function expectRefused(hop: Hop, status: number, detail: RegExp, before: object) {
    expect(hop.status, JSON.stringify(hop.body)).toBe(status)
    expect(hop.contentType).toMatch(/application\/problem\+json/)
    expect(hop.body.detail).toMatch(detail)
    expect(hop.refreshCookie).toBeUndefined()
    expect(await written()).toEqual(before)
  }

  const person = (extra: Partial<OidcPerson> = {}): OidcPerson => ({
    sub: `oidc-${unique()}`,
    email: address(),
    email_verified: true,
    name: 'Ada Lovelace',
    ...extra,
  })
  const githubUser = (emails?: GitHubUser['emails']): GitHubUser => ({
    id: 1_000_000 + ++serial,
    login: `octo-${serial}`,
    name: 'Mona Lisa Octocat',
    emails: emails ?? [{ email: address(), primary: true, verified: true, visibility: 'private' }],
  })

  it('lists e-mail, the OpenID issuer under OIDC_NAME, and GitHub', async () => {
    const res = await request(api('/auth/providers'))
    expect(res.body).toEqual({
      providers: [
        { id: 'email', name: 'E-mail' },
        { id: 'oidc', name: 'Company login' },
        { id: 'github', name: 'GitHub' },
      ],
    })
  })

  describe('OpenID Connect', () => {
    it('sends PKCE, state and nonce out, and takes an account and a refresh cookie back', async () => {
      const ada = person()
      issuer.signInAs(ada)
      const browser = new Browser(server.url)
      const start = await browser.get(api('/auth/oidc/start?returnTo=/me'))
      expect(start.status).toBe(302)
      const authorize = new URL(start.location ?? '')
      expect(`${authorize.origin}${authorize.pathname}`).toBe(`${issuer.url}/authorize`)
      const query = Object.fromEntries(authorize.searchParams)
      expect(query).toMatchObject({
        client_id: 'podium',
        redirect_uri: api('/auth/oidc/callback'),
        response_type: 'code',
        code_challenge_method: 'S256',
      })
      expect(query.scope?.split(' ')).toEqual(expect.arrayContaining(['openid', 'email']))
      // The verifier stays here; only its S256 challenge goes out.
      const pending = await db()
        .selectFrom('auth_requests')
        .selectAll()
        .where('state', '=', query.state ?? '')
        .executeTakeFirstOrThrow()
      expect(pending.nonce).toBe(query.nonce)
      expect(query.code_challenge).toBe(
        createHash('sha256').update(pending.code_verifier).digest('base64url'),
      )
      expect(start.location).not.toContain(pending.code_verifier)

      const back = await atProvider(start.location ?? '')
      expect(back.startsWith(`${api('/auth/oidc/callback')}?`)).toBe(true)
      const callback = await browser.get(back)
      expect(callback.status, JSON.stringify(callback.body)).toBe(302)
      expect(callback.location).toBe('/me')
      expect(callback.refreshCookie).toBeDefined()
      // The sign-in in flight is used up.
      expect(
        await db()
          .selectFrom('auth_requests')
          .select('state')
          .where('state', '=', query.state ?? '')
          .execute(),
      ).toEqual([])

      const renewed = await accountOf(callback.refreshCookie)
      expect(renewed.account).toMatchObject({ email: ada.email, name: 'Ada Lovelace' })
      const me = await request<Me>(api('/me'), { token: renewed.accessToken })
      expect(me.status).toBe(200)
      expect(me.body.account).toMatchObject({ email: ada.email, name: 'Ada Lovelace' })
      expect(me.body.devices).toEqual([expect.objectContaining({ current: true })])
      const identity = await db()
        .selectFrom('identities')
        .selectAll()
        .where('provider', '=', 'oidc')
        .where('subject', '=', ada.sub)
        .executeTakeFirstOrThrow()
      expect(identity.account_id).toBe(renewed.account.id)

      // The same subject again: the same account, on a second device.
      const again = await viaIssuer(ada)
      expect((await accountOf(again.refreshCookie)).account.id).toBe(renewed.account.id)
      const devices = await request<Me>(api('/me'), { token: renewed.accessToken })
      expect(devices.body.devices).toHaveLength(2)
    })

    it('takes the e-mail address from userinfo when the ID token has none', async () => {
      const grace = person({ name: 'Grace Hopper', claimsAt: 'userinfo' })
      const callback = await viaIssuer(grace)
      expect(callback.status, JSON.stringify(callback.body)).toBe(302)
      const renewed = await accountOf(callback.refreshCookie)
      expect(renewed.account).toMatchObject({ email: grace.email, name: 'Grace Hopper' })
    })

    it('joins the e-mail account of the same address only when the issuer says it is verified', async () => {
      const email = address()
      const byMail = await signInByEmail(server.url, inbox, email)
      const verified = await viaIssuer(person({ email: email.toUpperCase(), email_verified: true }))
      expect((await accountOf(verified.refreshCookie)).account.id).toBe(byMail.accountId)
      expect(
        await db().selectFrom('accounts').select('id').where('email', '=', email).execute(),
      ).toHaveLength(1)

      const other = address()
      await signInByEmail(server.url, inbox, other)
      for (const claims of [
        { email: other, email_verified: false },
        { email: other, email_verified: undefined },
        { email: address(), email_verified: false },
        { email: undefined, email_verified: undefined },
      ]) {
        const before = await written()
        const refused = await viaIssuer(person(claims))
        await expectRefused(refused, 403, /did not confirm an e-mail address/, before)
      }
      const page = await viaIssuer(person({ email: other, email_verified: false }), {
        accept: HTML,
      })
      expect(page.status).toBe(302)
      expect(page.location).toBe('/signin?error=no-verified-email')
      expect(page.refreshCookie).toBeUndefined()
    })

    it('refuses a callback with an unknown state, a used one, or one from another browser', async () => {
      const before = await written()
      const browser = new Browser(server.url)
      const unknown = await browser.get(api(`/auth/oidc/callback?code=abc&state=${unique()}`))
      await expectRefused(unknown, 400, /did not start in this browser/, before)
      await expectRefused(
        await browser.get(api('/auth/oidc/callback?code=abc')),
        400,
        /did not start in this browser/,
        before,
      )
      const page = await new Browser(server.url, HTML).get(
        api(`/auth/oidc/callback?code=abc&state=${unique()}`),
      )
      expect(page.location).toBe('/signin?error=state-mismatch')

      // Someone starts a sign-in as themselves and sends the callback to someone else:
      // it fails there, and still works where it started.
      const mallory = person()
      issuer.signInAs(mallory)
      const theirs = new Browser(server.url)
      const back = await toCallback(theirs, 'oidc')
      const victim = new Browser(server.url)
      await expectRefused(await victim.get(back), 400, /did not start in this browser/, before)
      const own = await theirs.get(back)
      expect(own.status).toBe(302)
      expect(own.refreshCookie).toBeDefined()

      // Used once, never again.
      const after = await written()
      await expectRefused(await theirs.get(back), 400, /did not start in this browser/, after)

      // Older than ten minutes.
      const late = await viaIssuer(person(), {
        between: async (state) => {
          await db()
            .updateTable('auth_requests')
            .set({ expires_at: Date.now() - 1 })
            .where('state', '=', state)
            .execute()
        },
      })
      await expectRefused(late, 400, /did not start in this browser/, after)
    })

    it('forgets sign-ins that were started and never finished', async () => {
      const browser = new Browser(server.url)
      const stateOf = (hop: Hop) => new URL(hop.location ?? '').searchParams.get('state') ?? ''
      const abandoned = stateOf(await browser.get(api('/auth/oidc/start')))
      await db()
        .updateTable('auth_requests')
        .set({ expires_at: Date.now() - 1 })
        .where('state', '=', abandoned)
        .execute()
      const next = stateOf(await browser.get(api('/auth/oidc/start')))
      const kept = await db().selectFrom('auth_requests').select('state').execute()
      expect(kept.map((r) => r.state)).toContain(next)
      expect(kept.map((r) => r.state)).not.toContain(abandoned)
    })

    it('refuses an ID token whose nonce is not the one sent', async () => {
      const before = await written()
      issuer.nextIdToken((claims) => {
        claims.nonce = 'a-nonce-from-another-sign-in'
      })
      await expectRefused(await viaIssuer(person()), 502, /did not check out/, before)
    })

    it('refuses a code redeemed with another PKCE verifier', async () => {
      const before = await written()
      const refused = await viaIssuer(person(), {
        between: async (state) => {
          await db()
            .updateTable('auth_requests')
            .set({ code_verifier: randomPKCECodeVerifier() })
            .where('state', '=', state)
            .execute()
        },
      })
      await expectRefused(refused, 502, /did not check out/, before)
    })

    it('says the sign-in was cancelled when the issuer answers access_denied', async () => {
      const before = await written()
      const deny = ({ url }: MutableRedirectUri) => {
        url.searchParams.delete('code')
        url.searchParams.set('error', 'access_denied')
        url.searchParams.set('error_description', 'The user cancelled')
      }
      issuer.server.service.once('beforeAuthorizeRedirect', deny)
      await expectRefused(await viaIssuer(person()), 403, /cancelled at the provider/, before)
      issuer.server.service.once('beforeAuthorizeRedirect', deny)
      const page = await viaIssuer(person(), { accept: HTML })
      expect(page.location).toBe('/signin?error=provider-denied')
    })

    it('refuses when the token endpoint answers with an error', async () => {
      const before = await written()
      issuer.server.service.once('beforeResponse', (response: MutableResponse) => {
        response.statusCode = 400
        response.body = { error: 'invalid_grant', error_description: 'The code has expired' }
      })
      await expectRefused(await viaIssuer(person()), 502, /answered with an error/, before)
      issuer.server.service.once('beforeResponse', (response: MutableResponse) => {
        response.statusCode = 400
        response.body = { error: 'invalid_grant' }
      })
      const page = await viaIssuer(person(), { accept: HTML })
      expect(page.location).toBe('/signin?error=provider-error')
    })

    it('refuses a tampered ID token: changed claims, another key, audience, issuer or expiry', async () => {
      const victim = address()
      await signInByEmail(server.url, inbox, victim)
      const before = await written()
      const rewrite = (change: (parts: string[]) => string[]) => {
        issuer.server.service.once('beforeResponse', (response: MutableResponse) => {
          if (response.body === '' || typeof response.body.id_token !== 'string') return
          response.body.id_token = change(response.body.id_token.split('.')).join('.')
        })
      }
      const decoded = (part: string | undefined) =>
        JSON.parse(Buffer.from(part ?? '', 'base64url').toString())
      const encoded = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

      // The claims changed after signing: someone else's address under the issuer's signature.
      rewrite(([header, payload, signature]) => [
        header ?? '',
        encoded({ ...decoded(payload), email: victim }),
        signature ?? '',
      ])
      await expectRefused(await viaIssuer(person()), 502, /did not check out/, before)

      // Signed with a key that is not the issuer's, under the issuer's key id.
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
      rewrite(([header, payload]) => {
        const body = encoded({ ...decoded(payload), email: victim })
        const input = `${header}.${body}`
        return [
          header ?? '',
          body,
          sign('sha256', Buffer.from(input), privateKey).toString('base64url'),
        ]
      })
      await expectRefused(await viaIssuer(person()), 502, /did not check out/, before)

      const now = Math.floor(Date.now() / 1000)
      for (const change of [
        (claims: Record<string, unknown>) => {
          claims.aud = 'another-client'
        },
        (claims: Record<string, unknown>) => {
          claims.iss = 'https://issuer.example'
        },
        (claims: Record<string, unknown>) => {
          claims.iat = now - 7200
          claims.exp = now - 3600
        },
      ]) {
        issuer.nextIdToken(change)
        await expectRefused(await viaIssuer(person()), 502, /did not check out/, before)
      }
    })
  })

  describe('GitHub', () => {
    it('sends PKCE and state out, and takes the verified primary address back', async () => {
      const mona = githubUser()
      github.signInAs(mona)
      const browser = new Browser(server.url)
      const start = await browser.get(api('/auth/github/start?returnTo=/me%3Ftab%3Dhosting'))
      expect(start.status).toBe(302)
      const authorize = new URL(start.location ?? '')
      expect(`${authorize.origin}${authorize.pathname}`).toBe(`${github.url}/login/oauth/authorize`)
      const query = Object.fromEntries(authorize.searchParams)
      expect(query).toMatchObject({
        client_id: github.clientId,
        redirect_uri: api('/auth/github/callback'),
        code_challenge_method: 'S256',
      })
      expect(query.scope?.split(' ')).toContain('user:email')
      expect(query.state).toBeTruthy()

      const seen = github.requests.length
      const callback = await browser.get(await atProvider(start.location ?? ''))
      expect(callback.status, JSON.stringify(callback.body)).toBe(302)
      expect(callback.location).toBe('/me?tab=hosting')
      expect(github.requests.slice(seen).map((r) => `${r.method} ${r.path}`)).toEqual([
        'GET /login/oauth/authorize',
        'POST /login/oauth/access_token',
        'GET /api/v3/user',
        'GET /api/v3/user/emails',
      ])
      const renewed = await accountOf(callback.refreshCookie)
      expect(renewed.account).toMatchObject({
        email: mona.emails[0]?.email,
        name: 'Mona Lisa Octocat',
      })
      const identity = await db()
        .selectFrom('identities')
        .select('account_id')
        .where('provider', '=', 'github')
        .where('subject', '=', String(mona.id))
        .executeTakeFirstOrThrow()
      expect(identity.account_id).toBe(renewed.account.id)
    })

    it('joins the e-mail account of the same verified address', async () => {
      const email = address()
      const byMail = await signInByEmail(server.url, inbox, email)
      const callback = await viaGitHub(
        githubUser([
          { email: address(), primary: false, verified: false },
          { email, primary: true, verified: true },
        ]),
      )
      const renewed = await accountOf(callback.refreshCookie)
      expect(renewed.account.id).toBe(byMail.accountId)
      const me = await request<Me>(api('/me'), { token: renewed.accessToken })
      expect(me.body.devices).toHaveLength(2)
    })

    it('refuses a user without a verified address; takes a verified one that is not primary', async () => {
      const before = await written()
      const refused = await viaGitHub(
        githubUser([{ email: address(), primary: true, verified: false }]),
      )
      await expectRefused(refused, 403, /did not confirm an e-mail address/, before)
      const page = await viaGitHub(
        githubUser([{ email: address(), primary: true, verified: false }]),
        { accept: HTML },
      )
      expect(page.location).toBe('/signin?error=no-verified-email')

      // Another address GitHub has verified will do.
      const secondary = address()
      const signedIn = await viaGitHub(
        githubUser([
          { email: address(), primary: true, verified: false },
          { email: secondary, primary: false, verified: true },
        ]),
      )
      expect((await accountOf(signedIn.refreshCookie)).account.email).toBe(secondary)
    })

    it('refuses when GitHub turns down the client secret, the PKCE verifier or the sign-in', async () => {
      const before = await written()
      const secret = github.clientSecret
      github.clientSecret = 'a-rotated-secret'
      const seen = github.requests.length
      try {
        await expectRefused(await viaGitHub(githubUser()), 502, /answered with an error/, before)
      } finally {
        github.clientSecret = secret
      }
      // Nothing was asked of the API without a token.
      expect(github.requests.slice(seen).map((r) => r.path)).not.toContain('/api/v3/user')

      const wrongVerifier = await viaGitHub(githubUser(), {
        between: async (state) => {
          await db()
            .updateTable('auth_requests')
            .set({ code_verifier: randomPKCECodeVerifier() })
            .where('state', '=', state)
            .execute()
        },
      })
      await expectRefused(wrongVerifier, 502, /answered with an error/, before)

      github.denyNext()
      await expectRefused(await viaGitHub(githubUser()), 403, /cancelled at the provider/, before)
    })
  })

  it('refuses a returnTo elsewhere at the start, before anything is stored', async () => {
    const stored = async () =>
      (await db().selectFrom('auth_requests').select('state').execute()).length
    const before = await stored()
    for (const provider of ['oidc', 'github'])
      for (const returnTo of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
        const res = await new Browser(server.url).get(
          api(`/auth/${provider}/start?returnTo=${encodeURIComponent(returnTo)}`),
        )
        expect(res.status, `${provider} ${returnTo}`).toBe(400)
        expect(res.contentType).toMatch(/application\/problem\+json/)
        expect(res.body.detail).toMatch(/returnTo must be a path on this site/)
        expect(res.location).toBeNull()
      }
    expect(await stored()).toBe(before)
  })
})

describe('an OpenID issuer that cannot be reached', () => {
  let server: TestPodium
  let issuer: TestIssuer | undefined
  let port: number

  beforeAll(async () => {
    // A port nothing listens on, until the test starts the issuer there.
    port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number }
        probe.close(() => resolve(port))
      })
    })
    // A public client: no secret, PKCE only.
    server = await startPodium({
      OIDC_ISSUER: `http://127.0.0.1:${port}`,
      OIDC_CLIENT_ID: 'podium-public',
    })
  })
  afterAll(async () => {
    await server?.close()
    await issuer?.close()
  })

  it('answers 502 with what to do, then works once the issuer is back', async () => {
    const start = `${server.url}/api/auth/oidc/start?returnTo=/me`
    const res = await new Browser(server.url).get(start)
    expect(res.status).toBe(502)
    expect(res.contentType).toMatch(/application\/problem\+json/)
    expect(res.body.detail).toMatch(/could not be reached.*Try again in a minute/)
    const page = await new Browser(server.url, HTML).get(start)
    expect(page.location).toBe('/signin?error=provider-unreachable')
    expect(
      await server.podium.services.db.kysely.selectFrom('auth_requests').select('state').execute(),
    ).toEqual([])

    issuer = await startIssuer(port)
    const ada = { sub: 'public-client-ada', email: address(), email_verified: true }
    issuer.signInAs(ada)
    const browser = new Browser(server.url)
    const started = await browser.get(start)
    expect(started.status).toBe(302)
    const callback = await browser.get(await atProvider(started.location ?? ''))
    expect(callback.status, JSON.stringify(callback.body)).toBe(302)
    const renewed = await refreshWith(server.url, callback.refreshCookie ?? '')
    expect(renewed.body.account.email).toBe(ada.email)
  })

  it('says which providers are set up when asked for another', async () => {
    const res = await request<Body>(`${server.url}/api/auth/github/start`)
    expect(res.status).toBe(404)
    expect(res.body.detail).toMatch(/GET \/api\/auth\/providers lists what is/)
  })
})
