import { Problem } from '@podium/shared'

/** An API call that failed: the server's problem+json, or a network failure (status 0). */
export class ApiError extends Error {
  override readonly name = 'ApiError'

  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    /** A sentence a person can act on. */
    message: string = detail || fallbackMessage(status),
  ) {
    super(message)
  }

  /** Network failures and server errors may pass if tried again; 4xx will not. */
  get retryable(): boolean {
    return this.status === 0 || this.status >= 500
  }

  static network(cause: unknown): ApiError {
    const error = new ApiError(
      0,
      'Network error',
      String(cause instanceof Error ? cause.message : cause),
      'Could not reach the Podium server. Check your connection and try again.',
    )
    return error
  }

  /** Reads a failed response: problem+json when the server sent it, a plain sentence otherwise. */
  static async fromResponse(response: Response): Promise<ApiError> {
    const text = await response.text().catch(() => '')
    let body: unknown = null
    try {
      body = text ? JSON.parse(text) : null
    } catch {
      // not JSON (a proxy's error page, for example)
    }
    const problem = Problem.safeParse(body)
    if (problem.success) {
      const { status, title, detail } = problem.data
      return new ApiError(response.status || status, title, detail)
    }
    return new ApiError(response.status, response.statusText || 'Error', '')
  }
}

export function fallbackMessage(status: number): string {
  if (status === 0) return 'Could not reach the Podium server. Check your connection and try again.'
  if (status === 401) return 'Your access has expired. Join the session again.'
  if (status === 403) return 'You are not allowed to do this in this session.'
  if (status === 404) return 'That was not found. Check the link or code and try again.'
  if (status === 413) return 'That is too large to send.'
  if (status === 429) return 'Too many requests. Please wait a moment and try again.'
  if (status >= 500) return 'The server had a problem. Please try again in a moment.'
  return 'The request was not accepted. Check what you entered and try again.'
}
