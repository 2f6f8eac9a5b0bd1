// Before any schema parses, in whichever chunk this lands (see no-eval.ts).
import '../app/no-eval.ts'
import {
  type AcceptInviteBody,
  type CreateSessionBody,
  CreateSessionResponse,
  HostLinkIssued,
  InvitePreview,
  type JoinBody,
  JoinResponse,
} from '@podium/shared'
import { z } from 'zod'
import { ApiError } from './api-error.ts'
import { saveBlob } from './download.ts'

export { ApiError } from './api-error.ts'

export type AcceptInviteInput = z.input<typeof AcceptInviteBody>
export const TimeResponse = z.object({ now: z.number() })

export interface ApiOptions {
  /** Prefix for every path; '' means the page's own origin. */
  baseUrl?: string
  fetch?: typeof fetch
  /** Attempts in all, the first included (network failures and 5xx only). */
  attempts?: number
  /** The first retry waits this long; each next one twice as long (capped at 5 s), with jitter. */
  baseDelayMs?: number
  /** Per attempt; a timed-out attempt counts as a network failure. */
  timeoutMs?: number
  sleep?: (ms: number) => Promise<void>
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'

interface RequestOptions<T> {
  method: Method
  path: string
  body?: unknown
  token?: string | null
  schema?: z.ZodType<T>
}

const MAX_DELAY_MS = 5_000

/** Paths may be given as `/sessions` or `/api/sessions`. */
function apiPath(path: string): string {
  const withSlash = path.startsWith('/') ? path : `/${path}`
  return withSlash.startsWith('/api/') ? withSlash : `/api${withSlash}`
}

export function createApi(options: ApiOptions = {}) {
  const baseUrl = options.baseUrl ?? ''
  const attempts = Math.max(1, options.attempts ?? 4)
  const baseDelayMs = options.baseDelayMs ?? 300
  const timeoutMs = options.timeoutMs ?? 15_000
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init))
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))

  /** Sends once; throws ApiError (status 0 for network failures). */
  async function send(req: RequestOptions<unknown>, accept: string): Promise<Response> {
    const headers: Record<string, string> = { accept }
    if (req.body !== undefined) headers['content-type'] = 'application/json'
    if (req.token) headers.authorization = `Bearer ${req.token}`
    let response: Response
    try {
      response = await doFetch(`${baseUrl}${apiPath(req.path)}`, {
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (cause) {
      throw ApiError.network(cause)
    }
    if (!response.ok) throw await ApiError.fromResponse(response)
    return response
  }

  /** Retries network failures and 5xx with exponential backoff; 4xx fail at once. */
  async function withRetries(req: RequestOptions<unknown>, accept: string): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await send(req, accept)
      } catch (error) {
        if (!(error instanceof ApiError) || !error.retryable || attempt >= attempts) throw error
        const delay = Math.min(MAX_DELAY_MS, baseDelayMs * 2 ** (attempt - 1))
        await sleep(delay / 2 + Math.random() * (delay / 2))
      }
    }
  }

  async function request<T>(req: RequestOptions<T>): Promise<T> {
    const response = await withRetries(req, 'application/json')
    if (response.status === 204) return undefined as T
    let body: unknown
    try {
      body = await response.json()
    } catch {
      throw new ApiError(
        response.status,
        'Unreadable response',
        'The response was not JSON.',
        'The server sent an answer this page cannot read. Reload the page and try again.',
      )
    }
    if (!req.schema) return body as T
    const parsed = req.schema.safeParse(body)
    if (!parsed.success) {
      throw new ApiError(
        response.status,
        'Unexpected response',
        parsed.error.message,
        'The server sent an answer this page does not understand. Reload the page to update it.',
      )
    }
    return parsed.data
  }

  return {
    get: <T>(path: string, token?: string | null, schema?: z.ZodType<T>) =>
      request<T>({ method: 'GET', path, token, schema }),
    post: <T>(path: string, body: unknown, token?: string | null, schema?: z.ZodType<T>) =>
      request<T>({ method: 'POST', path, body, token, schema }),
    patch: <T>(path: string, body: unknown, token?: string | null, schema?: z.ZodType<T>) =>
      request<T>({ method: 'PATCH', path, body, token, schema }),
    put: <T>(path: string, body: unknown, token?: string | null, schema?: z.ZodType<T>) =>
      request<T>({ method: 'PUT', path, body, token, schema }),
    delete: <T>(path: string, token?: string | null, schema?: z.ZodType<T>) =>
      request<T>({ method: 'DELETE', path, token, schema }),

    /** `token`: an account token makes the account the session's owner and host. */
    createSession: (body: CreateSessionBody, token?: string | null) =>
      request({ method: 'POST', path: '/sessions', body, token, schema: CreateSessionResponse }),
    /** `token`: an account token joins as the account's one participant in the session. */
    join: (body: JoinBody, token?: string | null) =>
      request({ method: 'POST', path: '/join', body, token, schema: JoinResponse }),
    acceptInvite: (body: AcceptInviteInput, token?: string | null) =>
      request({ method: 'POST', path: '/invites/accept', body, token, schema: JoinResponse }),
    previewInvite: (invite: string) =>
      request({
        method: 'POST',
        path: '/invites/preview',
        body: { invite },
        schema: InvitePreview,
      }),
    /** A new name in one session: the answer is a new identity (its token carries the name). */
    rename: (sessionId: string, token: string, name: string) =>
      request({
        method: 'PATCH',
        path: `/sessions/${encodeURIComponent(sessionId)}/me`,
        body: { name },
        token,
        schema: JoinResponse,
      }),
    time: () => request({ method: 'GET', path: '/time', schema: TimeResponse }),
    /** Exchanges a host link's token for the host's access to its session. */
    openHostLink: (token: string) =>
      request({
        method: 'POST',
        path: '/host-link',
        body: { token },
        schema: CreateSessionResponse,
      }),
    /** A new private host link for the session; the one before stops working. */
    issueHostLink: (sessionId: string, token: string) =>
      request({
        method: 'POST',
        path: `/sessions/${encodeURIComponent(sessionId)}/host-link`,
        token,
        schema: HostLinkIssued,
      }),

    /** Fetches a file with the bearer token and hands it to the browser as a download. */
    async download(path: string, token: string, filename?: string): Promise<void> {
      const response = await withRetries({ method: 'GET', path, token }, '*/*')
      const blob = await response.blob()
      saveBlob(blob, filename ?? filenameFrom(response, path))
    },
  }
}

export type Api = ReturnType<typeof createApi>

/** The page's API client (same origin). */
export const api: Api = createApi()

function filenameFrom(response: Response, path: string): string {
  const disposition = response.headers.get('content-disposition') ?? ''
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)
  if (match?.[1]) return decodeURIComponent(match[1])
  return path.split('?')[0]?.split('/').filter(Boolean).pop() ?? 'download'
}
