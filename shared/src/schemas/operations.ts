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

const incidentText = (max: number, what: string) =>
  z
    .string({ error: `${what} must be text` })
    .trim()
    .min(1, `${what} must not be empty`)
    .max(max, `${what} must be at most ${max} characters`)

const IncidentImpact = z.enum(['none', 'minor', 'major'], {
  error: 'impact must be "none", "minor" or "major"',
})

/** An incident note the operator posts on the status page (`POST /api/status/incidents`). */
export const IncidentBody = z.object({
  title: incidentText(120, 'title'),
  body: incidentText(2000, 'body'),
  impact: IncidentImpact.default('minor'),
})
export type IncidentBody = z.infer<typeof IncidentBody>

/** A change to a note: new text, impact, or resolved (`PATCH /api/status/incidents/:id`). */
export const IncidentChange = z
  .object({
    title: incidentText(120, 'title').optional(),
    body: incidentText(2000, 'body').optional(),
    impact: IncidentImpact.optional(),
    resolved: z.boolean({ error: 'resolved must be true or false' }).optional(),
  })
  .refine((change) => Object.keys(change).length > 0, {
    message: 'send at least one of title, body, impact or resolved',
  })
export type IncidentChange = z.infer<typeof IncidentChange>
