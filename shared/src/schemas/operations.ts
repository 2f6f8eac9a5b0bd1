import { z } from 'zod'

/** The largest body `POST /api/client-errors` reads; the client trims its report to fit. */
export const CLIENT_ERROR_MAX_BYTES = 16 * 1024

/** What the page caught: an uncaught error or a promise rejection nothing handled. */
export const ClientErrorKind = { error: 'error', rejection: 'unhandledrejection' } as const
export type ClientErrorKind = (typeof ClientErrorKind)[keyof typeof ClientErrorKind]

export const ClientErrorLimits = { message: 1000, stack: 8000, path: 500, release: 64 } as const

/**
 * An error report from a browser (`POST /api/client-errors`). No personal data is asked
 * for; the server scrubs what a message or a stack may still carry (e-mail addresses,
 * tokens, query strings) before it logs the report.
 */
export const ClientErrorReport = z.object({
  kind: z.enum([ClientErrorKind.error, ClientErrorKind.rejection], {
    error: 'kind must be "error" or "unhandledrejection"',
  }),
  message: z
    .string({ error: 'message must be text' })
    .min(1, 'message must not be empty')
    .max(
      ClientErrorLimits.message,
      `message must be at most ${ClientErrorLimits.message} characters`,
    ),
  stack: z
    .string()
    .max(ClientErrorLimits.stack, `stack must be at most ${ClientErrorLimits.stack} characters`)
    .optional(),
  /** The page's path (the client sends it without its query string). */
  path: z
    .string()
    .max(ClientErrorLimits.path, `path must be at most ${ClientErrorLimits.path} characters`)
    .optional(),
  /** Which build of the client sent it. */
  release: z.string().max(ClientErrorLimits.release).optional(),
})
export type ClientErrorReport = z.infer<typeof ClientErrorReport>
