import { z } from 'zod'
import { Limits } from './limits.ts'

/**
 * A path on this site to go back to after signing in: it starts with one `/`, and has no
 * scheme, host, backslash or control character, so it can never send someone elsewhere.
 */
export const ReturnTo = z
  .string()
  .max(512, 'returnTo must be at most 512 characters')
  .refine(isLocalPath, 'returnTo must be a path on this site, such as /me')

export function isLocalPath(value: string): boolean {
  return (
    value.startsWith('/') &&
    !value.startsWith('//') &&
    !value.includes('\\') &&
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
    !/[\u0000-\u001f\u007f]/.test(value)
  )
}

/**
 * An e-mail address as people type it: trimmed and lower-cased, and refused when it holds
 * a line break (a header injection) or is not an address.
 */
export const EmailAddress = z
  .string({ error: 'email must be text' })
  .max(254, 'email must be at most 254 characters')
  .refine((value) => !/[\r\n]/.test(value), 'email must be on one line')
  .transform((value) => value.trim().toLowerCase())
  .pipe(z.email({ error: 'email must be an e-mail address such as ada@example.org' }))

export const EmailSignInBody = z.object({
  email: EmailAddress,
  returnTo: ReturnTo.optional(),
})
export type EmailSignInBody = z.infer<typeof EmailSignInBody>

export const UpdateAccountBody = z.object({
  name: z
    .string({ error: 'name must be text' })
    .trim()
    .min(1, 'name must not be empty')
    .max(Limits.nameLength, `name must be at most ${Limits.nameLength} characters`),
})

/** A guest's token for one session, to make that participant the signed-in account's. */
export const ClaimBody = z.object({ token: z.string().min(10).max(4096) })

export const AuthProvider = z.object({ id: z.enum(['email', 'oidc', 'github']), name: z.string() })
export type AuthProvider = z.infer<typeof AuthProvider>

export const RefreshResponse = z.object({
  accessToken: z.string(),
  expiresAt: z.number(),
  account: z.object({ id: z.string(), email: z.string(), name: z.string().nullable() }),
})
export type RefreshResponse = z.infer<typeof RefreshResponse>

export const Device = z.object({
  id: z.string(),
  /** What kind of browser, e.g. "Firefox on Android": never the whole user-agent string. */
  label: z.string(),
  createdAt: z.number(),
  lastSeenAt: z.number(),
  current: z.boolean(),
})
export type Device = z.infer<typeof Device>

export const MeResponse = z.object({
  account: z.object({ id: z.string(), email: z.string(), name: z.string().nullable() }),
  devices: z.array(Device),
})
export type MeResponse = z.infer<typeof MeResponse>

export const MySession = z.object({
  id: z.string(),
  title: z.string(),
  code: z.string(),
  status: z.string(),
  role: z.enum(['host', 'moderator', 'presenter', 'attendee']),
  userId: z.string(),
  createdAt: z.number(),
  joinedAt: z.number(),
})
export type MySession = z.infer<typeof MySession>

export const MySessionsResponse = z.object({
  hosting: z.array(MySession),
  staff: z.array(MySession),
  attended: z.array(MySession),
})
export type MySessionsResponse = z.infer<typeof MySessionsResponse>
