// A stand-in for GitHub's OAuth app endpoints on a free port of 127.0.0.1, at the wire
// level: the authorize redirect, the token exchange (JSON or form body, PKCE checked) and
// the two API calls a sign-in makes. It answers as GitHub does, errors included: a refused
// token exchange is a 200 with `error` and `error_description`.
import { createHash, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface GitHubEmail {
  email: string
  primary: boolean
  verified: boolean
  visibility?: 'public' | 'private' | null
}

export interface GitHubUser {
  id: number
  login: string
  name: string | null
  emails: GitHubEmail[]
}

export interface GitHubStandIn {
  /** The web address, for GITHUB_URL */
  url: string
  /** The API's, for GITHUB_API_URL (GitHub Enterprise's layout: `<url>/api/v3`). */
  apiUrl: string
  clientId: string
  /** The secret the token exchange accepts; change it to play a rotated secret. */
  clientSecret: string
  /** The user who approves the next authorization. */
  signInAs(user: GitHubUser): void
  /** The next authorization is cancelled by the user (`error=access_denied`). */
  denyNext(): void
  /** Every request: method and path. */
  requests: Array<{ method: string; path: string }>
  close(): Promise<void>
}

interface Grant {
  user: GitHubUser
  clientId: string
  redirectUri: string
  challenge: string | null
  method: string | null
  expiresAt: number
}

const CODE_TTL_MS = 10 * 60_000

export async function startGitHub(
  clientId = 'gh-client-id',
  clientSecret = 'gh-client-secret',
): Promise<GitHubStandIn> {
  const grants = new Map<string, Grant>()
  const tokens = new Map<string, GitHubUser>()
  let next: GitHubUser | undefined
  let deny = false
  const requests: Array<{ method: string; path: string }> = []
  const standIn = { clientId, clientSecret } as GitHubStandIn

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://github.test')
    requests.push({ method: req.method ?? 'GET', path: url.pathname })
    handle(req, res, url).catch((error: unknown) => send(res, 500, { message: String(error) }))
  })

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL) {
    const route = `${req.method} ${url.pathname}`
    if (route === 'GET /login/oauth/authorize') return authorize(res, url.searchParams)
    if (route === 'POST /login/oauth/access_token') return accessToken(req, res)
    if (route === 'GET /api/v3/user' || route === 'GET /api/v3/user/emails') {
      const user = tokens.get(bearer(req))
      if (!user)
        return send(res, 401, {
          message: 'Bad credentials',
          documentation_url: 'https://docs.github.com/rest',
        })
      if (url.pathname.endsWith('/emails')) return send(res, 200, user.emails)
      const primary = user.emails.find((e) => e.primary && e.visibility === 'public')
      return send(res, 200, {
        id: user.id,
        login: user.login,
        name: user.name,
        email: primary?.email ?? null,
      })
    }
    send(res, 404, { message: 'Not Found' })
  }

  function authorize(res: ServerResponse, query: URLSearchParams) {
    const redirectUri = query.get('redirect_uri')
    if (query.get('client_id') !== standIn.clientId || !redirectUri)
      return send(res, 404, { message: 'Not Found' })
    const back = new URL(redirectUri)
    const state = query.get('state')
    if (!next && !deny)
      return send(res, 400, {
        message: 'Nobody is signed in at the stand-in: call signInAs first.',
      })
    if (deny || !next) {
      deny = false
      back.searchParams.set('error', 'access_denied')
      back.searchParams.set('error_description', 'The user has denied your application access.')
    } else {
      const code = randomBytes(10).toString('hex')
      grants.set(code, {
        user: next,
        clientId: standIn.clientId,
        redirectUri,
        challenge: query.get('code_challenge'),
        method: query.get('code_challenge_method'),
        expiresAt: Date.now() + CODE_TTL_MS,
      })
      back.searchParams.set('code', code)
    }
    if (state) back.searchParams.set('state', state)
    res.writeHead(302, { location: back.toString() }).end()
  }

  async function accessToken(req: IncomingMessage, res: ServerResponse) {
    const raw = await body(req)
    const type = req.headers['content-type'] ?? ''
    const params: Record<string, string> = type.includes('application/json')
      ? JSON.parse(raw || '{}')
      : Object.fromEntries(new URLSearchParams(raw))
    const asJson = (req.headers.accept ?? '').includes('application/json')
    const answer = (fields: Record<string, string>) =>
      asJson
        ? send(res, 200, fields)
        : res
            .writeHead(200, { 'content-type': 'application/x-www-form-urlencoded' })
            .end(new URLSearchParams(fields).toString())
    const refuse = (error: string, description: string) =>
      answer({ error, error_description: description, error_uri: 'https://docs.github.com/apps' })

    if (params.client_id !== standIn.clientId || params.client_secret !== standIn.clientSecret)
      return refuse(
        'incorrect_client_credentials',
        'The client_id and/or client_secret passed are incorrect.',
      )
    const grant = params.code ? grants.get(params.code) : undefined
    if (params.code) grants.delete(params.code)
    if (!grant || grant.expiresAt < Date.now() || grant.clientId !== params.client_id)
      return refuse('bad_verification_code', 'The code passed is incorrect or expired.')
    if (params.redirect_uri !== undefined && params.redirect_uri !== grant.redirectUri)
      return refuse(
        'redirect_uri_mismatch',
        'The redirect_uri MUST match the registered callback URL for this application.',
      )
    if (grant.challenge !== null) {
      const verifier = params.code_verifier ?? ''
      const computed =
        grant.method === 'S256'
          ? createHash('sha256').update(verifier).digest('base64url')
          : verifier
      if (!/^[\w.~-]{43,128}$/.test(verifier) || computed !== grant.challenge)
        return refuse('bad_verification_code', 'The code_verifier does not match the challenge.')
    }
    const token = `gho_${randomBytes(18).toString('base64url')}`
    tokens.set(token, grant.user)
    answer({ access_token: token, token_type: 'bearer', scope: 'read:user,user:email' })
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return Object.assign(standIn, {
    url: `http://127.0.0.1:${port}`,
    apiUrl: `http://127.0.0.1:${port}/api/v3`,
    requests,
    signInAs(user: GitHubUser) {
      next = user
    },
    denyNext() {
      deny = true
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  })
}

function bearer(req: IncomingMessage): string {
  // GitHub takes both `Bearer <token>` and the older `token <token>`.
  return /^(?:bearer|token) (\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? ''
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => {
      text += chunk
    })
    req.on('end', () => resolve(text))
    req.on('error', reject)
  })
}

function send(res: ServerResponse, status: number, value: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
  res.end(JSON.stringify(value))
}
