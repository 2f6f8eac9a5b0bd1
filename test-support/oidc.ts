// A real OpenID provider for tests: oauth2-mock-server on a free port of 127.0.0.1. Each
// authorization code is given to the person the test said signs in next, and their claims
// go into that code's ID token and into the userinfo answer for its access token.
import type { IncomingMessage } from 'node:http'
import {
  type MutableRedirectUri,
  type MutableResponse,
  type MutableToken,
  OAuth2Server,
  type TokenRequestIncomingMessage,
} from 'oauth2-mock-server'

/** Who signs in at the issuer: the claims it vouches for. */
export interface OidcPerson {
  sub: string
  email?: string
  email_verified?: boolean | string
  name?: string
  /** Where the claims other than `sub` are given: in the ID token (default) or only at userinfo. */
  claimsAt?: 'id-token' | 'userinfo'
}

export interface TestIssuer {
  /** http://127.0.0.1:<port>, for OIDC_ISSUER */
  url: string
  server: OAuth2Server
  /** The person the next authorization is for. */
  signInAs(person: OidcPerson): void
  /** Changes the claims of the next ID token the issuer signs (a nonce, an audience). */
  nextIdToken(change: (payload: Record<string, unknown>) => void): void
  close(): Promise<void>
}

/** Starts the issuer on `port` (default: a free one). */
export async function startIssuer(port = 0): Promise<TestIssuer> {
  const server = new OAuth2Server()
  await server.issuer.keys.generate('RS256')
  await server.start(port, '127.0.0.1')
  // The mock names itself after localhost; the tests reach it at the address it listens on.
  server.issuer.url = `http://127.0.0.1:${server.address().port}`
  const service = server.service

  let next: OidcPerson | undefined
  const byCode = new Map<string, OidcPerson>()
  const byAccessToken = new Map<string, OidcPerson>()
  const idTokenChanges: Array<(payload: Record<string, unknown>) => void> = []
  const claimsOf = ({ sub, claimsAt: _, ...rest }: OidcPerson) => ({ sub, ...rest })

  service.on('beforeAuthorizeRedirect', ({ url }: MutableRedirectUri) => {
    const code = url.searchParams.get('code')
    if (code && next) byCode.set(code, next)
  })
  service.on('beforeTokenSigning', (token: MutableToken, req: TokenRequestIncomingMessage) => {
    // The mock signs the access token first, then the ID token: only the latter has `aud`.
    if (token.payload.aud === undefined) return
    const person = req.body.code ? byCode.get(req.body.code) : undefined
    if (person)
      Object.assign(
        token.payload,
        person.claimsAt === 'userinfo' ? { sub: person.sub } : claimsOf(person),
      )
    idTokenChanges.shift()?.(token.payload)
  })
  service.on('beforeResponse', (response: MutableResponse, req: TokenRequestIncomingMessage) => {
    const person = req.body.code ? byCode.get(req.body.code) : undefined
    if (req.body.code) byCode.delete(req.body.code)
    const accessToken = response.body === '' ? undefined : response.body.access_token
    if (person && typeof accessToken === 'string') byAccessToken.set(accessToken, person)
  })
  service.on('beforeUserinfo', (response: MutableResponse, req: IncomingMessage) => {
    const header = req.headers.authorization ?? ''
    const person = byAccessToken.get(header.replace(/^Bearer /i, ''))
    if (person) response.body = claimsOf(person)
    else {
      response.statusCode = 401
      response.body = { error: 'invalid_token' }
    }
  })

  return {
    url: server.issuer.url,
    server,
    signInAs(person) {
      next = person
    },
    nextIdToken(change) {
      idTokenChanges.push(change)
    },
    close: () => server.stop(),
  }
}
