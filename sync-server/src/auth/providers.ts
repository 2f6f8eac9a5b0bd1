import type { AuthProvider } from '@podium/shared'
import { HttpProblem } from '@podium/shared/server'
import * as oidc from 'openid-client'
import type { Config } from '../config.ts'
import type { ProviderProfile } from './accounts.ts'

/** What the callback must match: made at the start, kept in `auth_requests`. */
export interface PendingSignIn {
  state: string
  nonce: string
  codeVerifier: string
}

/** A way to sign in through someone else: a redirect out, and a profile when it comes back. */
export interface SignInProvider {
  id: 'oidc' | 'github'
  name: string
  authorizationUrl(redirectUri: string, pending: PendingSignIn): Promise<URL>
  /** `callbackUrl` is the whole URL the provider sent the browser back to. */
  profile(callbackUrl: URL, redirectUri: string, pending: PendingSignIn): Promise<ProviderProfile>
}

/** The provider answered with an error, or with something that does not check out. */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly code: 'provider-error' | 'provider-denied' | 'provider-unreachable',
  ) {
    super(message)
  }
}

/** The sign-in providers configured (e-mail always; OpenID Connect and GitHub when set). */
export class Providers {
  private readonly byId = new Map<string, SignInProvider>()

  constructor(config: Config['accounts']) {
    if (config.oidc) this.byId.set('oidc', new OidcProvider(config.oidc))
    if (config.github) this.byId.set('github', new GitHubProvider(config.github))
  }

  list(): AuthProvider[] {
    return [
      { id: 'email', name: 'E-mail' },
      ...[...this.byId.values()].map((p) => ({ id: p.id, name: p.name })),
    ]
  }

  get(id: string): SignInProvider {
    const provider = this.byId.get(id)
    if (!provider)
      throw HttpProblem.notFound(
        `Signing in with "${id.slice(0, 40)}" is not set up on this server. GET /api/auth/providers lists what is.`,
      )
    return provider
  }
}

/** Any OpenID Connect issuer, through openid-client: authorization code with PKCE, state and nonce. */
class OidcProvider implements SignInProvider {
  readonly id = 'oidc'
  readonly name: string
  private configuration: Promise<oidc.Configuration> | undefined

  constructor(private readonly config: NonNullable<Config['accounts']['oidc']>) {
    this.name = config.name
  }

  /** The issuer's metadata, fetched once (again after a failure). */
  private discovered(): Promise<oidc.Configuration> {
    if (!this.configuration) {
      const issuer = new URL(this.config.issuer)
      this.configuration = oidc
        .discovery(
          issuer,
          this.config.clientId,
          this.config.clientSecret,
          this.config.clientSecret ? undefined : oidc.None(),
          {
            execute: [
              // ID tokens are checked against the issuer's published keys, not taken on
              // trust from the connection they came over.
              oidc.enableNonRepudiationChecks,
              // A local issuer (a test's, a Keycloak on the same host) may speak plain HTTP.
              ...(issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : []),
            ],
          },
        )
        .catch((error: unknown) => {
          this.configuration = undefined
          throw new ProviderError(
            `The sign-in provider at ${issuer.origin} could not be reached (${String(error)}).`,
            'provider-unreachable',
          )
        })
    }
    return this.configuration
  }

  async authorizationUrl(redirectUri: string, pending: PendingSignIn): Promise<URL> {
    const configuration = await this.discovered()
    return oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    })
  }

  async profile(callbackUrl: URL, redirectUri: string, pending: PendingSignIn) {
    const configuration = await this.discovered()
    let claims: oidc.IDToken | oidc.UserInfoResponse | undefined
    try {
      // The callback URL as registered, with the provider's query: openid-client checks
      // state, exchanges the code with the PKCE verifier, and checks the ID token's
      // signature, issuer, audience, expiry and nonce.
      const current = new URL(redirectUri)
      current.search = callbackUrl.search
      const tokens = await oidc.authorizationCodeGrant(configuration, current, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      })
      claims = tokens.claims()
      // Some issuers (Zitadel, by default) give the address only at their userinfo endpoint.
      if (
        claims &&
        typeof claims.email !== 'string' &&
        configuration.serverMetadata().userinfo_endpoint
      )
        claims = await oidc.fetchUserInfo(configuration, tokens.access_token, claims.sub)
    } catch (error) {
      const denied =
        error instanceof oidc.AuthorizationResponseError && error.error === 'access_denied'
      throw new ProviderError(
        `The sign-in provider's answer was refused: ${error instanceof Error ? error.message : String(error)}`,
        denied ? 'provider-denied' : 'provider-error',
      )
    }
    if (!claims) throw new ProviderError('The provider sent no ID token.', 'provider-error')
    return {
      provider: 'oidc' as const,
      subject: claims.sub,
      email: typeof claims.email === 'string' ? claims.email : null,
      emailVerified: claims.email_verified === true,
      name: typeof claims.name === 'string' ? claims.name : null,
    }
  }
}

/** GitHub's OAuth 2 (not OpenID): the user and their verified primary address from its API. */
class GitHubProvider implements SignInProvider {
  readonly id = 'github'
  readonly name = 'GitHub'

  constructor(private readonly config: NonNullable<Config['accounts']['github']>) {}

  async authorizationUrl(redirectUri: string, pending: PendingSignIn): Promise<URL> {
    const url = new URL(`${this.config.url}/login/oauth/authorize`)
    url.search = new URLSearchParams({
      client_id: this.config.clientId,
      redirect_uri: redirectUri,
      scope: 'read:user user:email',
      state: pending.state,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
      allow_signup: 'true',
    }).toString()
    return url
  }

  async profile(callbackUrl: URL, redirectUri: string, pending: PendingSignIn) {
    const query = callbackUrl.searchParams
    const error = query.get('error')
    if (error)
      throw new ProviderError(
        `GitHub said: ${query.get('error_description') ?? error}`,
        error === 'access_denied' ? 'provider-denied' : 'provider-error',
      )
    if (query.get('state') !== pending.state)
      throw new ProviderError('The state GitHub sent back does not match.', 'provider-error')
    const code = query.get('code')
    if (!code) throw new ProviderError('GitHub sent no code.', 'provider-error')
    const token = await this.json<{
      access_token?: string
      error?: string
      error_description?: string
    }>(`${this.config.url}/login/oauth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: this.config.clientId,
        client_secret: this.config.clientSecret,
        code,
        redirect_uri: redirectUri,
        code_verifier: pending.codeVerifier,
      }),
    })
    if (!token.access_token)
      throw new ProviderError(
        `GitHub refused the code: ${token.error_description ?? token.error ?? 'no access token'}`,
        'provider-error',
      )
    const auth = { authorization: `Bearer ${token.access_token}` }
    const user = await this.json<{ id?: number; login?: string; name?: string | null }>(
      `${this.config.apiUrl}/user`,
      { headers: auth },
    )
    if (typeof user.id !== 'number')
      throw new ProviderError('GitHub sent no user id.', 'provider-error')
    const emails = await this.json<Array<{ email: string; primary: boolean; verified: boolean }>>(
      `${this.config.apiUrl}/user/emails`,
      { headers: auth },
    )
    const primary = Array.isArray(emails)
      ? (emails.find((e) => e.primary && e.verified) ?? emails.find((e) => e.verified))
      : undefined
    return {
      provider: 'github' as const,
      subject: String(user.id),
      email: primary?.email ?? null,
      emailVerified: primary !== undefined,
      name: user.name ?? user.login ?? null,
    }
  }

  private async json<T>(url: string, init: RequestInit): Promise<T> {
    let response: Response
    try {
      response = await fetch(url, {
        ...init,
        headers: {
          accept: 'application/json',
          'user-agent': 'Podium',
          ...(init.headers as Record<string, string>),
        },
        signal: AbortSignal.timeout(10_000),
      })
    } catch (error) {
      throw new ProviderError(
        `GitHub could not be reached (${String(error)}).`,
        'provider-unreachable',
      )
    }
    if (!response.ok)
      throw new ProviderError(
        `GitHub answered ${response.status} for ${new URL(url).pathname}.`,
        'provider-error',
      )
    return (await response.json()) as T
  }
}
