import { z } from 'zod'

/** How a message reaches someone. */
export const NotificationChannel = { email: 'email', push: 'push', sms: 'sms' } as const
export type NotificationChannel = (typeof NotificationChannel)[keyof typeof NotificationChannel]
export const NOTIFICATION_CHANNELS = Object.values(NotificationChannel)

/** What a message is about; each kind has its template and its preference. */
export const NotificationKind = {
  signIn: 'sign-in',
  phoneCode: 'phone-code',
  invite: 'invite',
  answered: 'answered',
  reminder: 'reminder',
  summary: 'summary',
  ticket: 'ticket',
  billing: 'billing',
  alert: 'alert',
} as const
export type NotificationKind = (typeof NotificationKind)[keyof typeof NotificationKind]
export const NOTIFICATION_KINDS = Object.values(NotificationKind)

export interface KindRule {
  /**
   * Sent because the person asked for it just now (a sign-in link, a confirmation code):
   * no preference turns it off and it carries no unsubscribe link.
   */
  transactional: boolean
  /** The channels it may go by, each with its default when the person has said nothing. */
  channels: Partial<Record<NotificationChannel, boolean>>
  /** How the account page names it. */
  label: string
}

/** Every kind of message, as data: the preferences API and the queue both read it. */
export const KIND_RULES: Record<NotificationKind, KindRule> = {
  'sign-in': { transactional: true, channels: { email: true }, label: 'Sign-in links' },
  'phone-code': {
    transactional: true,
    channels: { sms: true },
    label: 'Codes that confirm your phone number',
  },
  invite: {
    transactional: false,
    channels: { email: true },
    label: 'Invitations to moderate or present',
  },
  answered: {
    transactional: false,
    channels: { email: false, push: false },
    label: 'Your question was answered',
  },
  reminder: {
    transactional: false,
    channels: { email: true, push: true, sms: true },
    label: 'Reminders before sessions you follow start',
  },
  summary: {
    transactional: false,
    channels: { email: true },
    label: 'A summary after a session you host ends',
  },
  ticket: { transactional: true, channels: { email: true }, label: 'Receipts for tickets' },
  billing: {
    transactional: true,
    channels: { email: true },
    label: 'Problems with the payment of your plan',
  },
  alert: {
    transactional: false,
    channels: { email: true, push: true },
    label:
      'Alerts in a session you host (participation dropping, rejections spiking), and when they recover',
  },
}

/** PUT /api/me/notifications: `{kinds: {reminder: {email: false}}}`, any subset. */
export const PreferencesPatch = z.strictObject({
  kinds: z
    .record(
      z.string(),
      z.record(z.string(), z.boolean({ error: 'each channel is true or false' }), {
        error: 'each kind is an object of channels, such as {"email": true}',
      }),
      { error: 'kinds is an object such as {"reminder": {"email": false}}' },
    )
    .superRefine((kinds, ctx) => {
      for (const [kind, channels] of Object.entries(kinds)) {
        if (!NOTIFICATION_KINDS.includes(kind as NotificationKind))
          ctx.addIssue({
            code: 'custom',
            path: [kind],
            message: `${kind} is not a kind of notification; kinds are ${NOTIFICATION_KINDS.join(', ')}`,
          })
        for (const channel of Object.keys(channels))
          if (!NOTIFICATION_CHANNELS.includes(channel as NotificationChannel))
            ctx.addIssue({
              code: 'custom',
              path: [kind, channel],
              message: `${channel} is not a channel; channels are ${NOTIFICATION_CHANNELS.join(', ')}`,
            })
      }
    })
    .transform(
      (kinds) =>
        kinds as Partial<Record<NotificationKind, Partial<Record<NotificationChannel, boolean>>>>,
    ),
})
export type PreferencesPatch = z.infer<typeof PreferencesPatch>

export const KindPreferences = z.object({
  kind: z.enum(NOTIFICATION_KINDS),
  label: z.string(),
  transactional: z.boolean(),
  /** Only the channels this kind may go by and this server offers. */
  channels: z.partialRecord(z.enum(NOTIFICATION_CHANNELS), z.boolean()),
})

/** GET and PUT /api/me/notifications */
export const NotificationSettings = z.object({
  email: z.string(),
  /** The channels this server offers (SMS only when it is configured). */
  offered: z.array(z.enum(NOTIFICATION_CHANNELS)),
  kinds: z.array(KindPreferences),
  /** The VAPID public key a browser subscribes with. */
  pushPublicKey: z.string(),
  pushSubscriptions: z.array(z.object({ id: z.string(), host: z.string(), createdAt: z.number() })),
  phone: z.object({ number: z.string(), confirmed: z.boolean() }).nullable(),
})
export type NotificationSettings = z.infer<typeof NotificationSettings>

/** POST /api/push/subscriptions: a browser's PushSubscription as `toJSON()` gives it. */
export const PushSubscriptionBody = z.object({
  endpoint: z
    .string({ error: 'endpoint must be text' })
    .max(2048, 'endpoint must be at most 2048 characters'),
  keys: z.object(
    {
      p256dh: z
        .string()
        .regex(/^[A-Za-z0-9_-]{80,100}=*$/, 'keys.p256dh must be the base64url P-256 public key'),
      auth: z
        .string()
        .regex(/^[A-Za-z0-9_-]{16,32}=*$/, 'keys.auth must be the base64url 16-byte secret'),
    },
    { error: 'keys must hold p256dh and auth' },
  ),
  expirationTime: z.number().nullable().optional(),
})
export type PushSubscriptionBody = z.infer<typeof PushSubscriptionBody>

/** A phone number in E.164: a plus, the country code, the number; nothing else. */
export const PhoneNumber = z
  .string({ error: 'phone must be text' })
  .transform((value) => value.replace(/[\s().-]/g, ''))
  .pipe(
    z
      .string()
      .regex(
        /^\+[1-9]\d{6,14}$/,
        'phone must be a number with its country code, such as +4930123456',
      ),
  )

export const PhoneBody = z.strictObject({ phone: PhoneNumber })
export const PhoneCodeBody = z.strictObject({
  code: z.string({ error: 'code must be text' }).regex(/^\d{6}$/, 'code must be the 6 digits sent'),
})

/** Local date and time without a zone: 2026-03-29T10:00 */
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/

/** PUT /api/sessions/:id/schedule: when it starts, in the zone people will read it in. */
export const ScheduleBody = z.strictObject({
  startsAt: z
    .string({ error: 'startsAt must be text' })
    .regex(LOCAL_TIME, 'startsAt must be a local date and time such as 2026-03-29T10:00'),
  timeZone: z
    .string({ error: 'timeZone must be text' })
    .max(64)
    .refine(isTimeZone, 'timeZone must be an IANA time zone such as Europe/Berlin'),
})
export type ScheduleBody = z.infer<typeof ScheduleBody>

export function isTimeZone(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+/-]*$/.test(value)) return false
  try {
    new Intl.DateTimeFormat('en', { timeZone: value })
    return true
  } catch {
    return false
  }
}

export const Schedule = z.object({
  /** UTC milliseconds. */
  startsAt: z.number(),
  timeZone: z.string(),
  /** The start as people in the zone read it: 2026-03-29T10:00 */
  local: z.string(),
})
export type Schedule = z.infer<typeof Schedule>

/** POST /api/me/follows: follow a session by its join code, for reminders. */
export const FollowBody = z.strictObject({
  code: z.string({ error: 'code must be text' }).trim().min(1).max(32),
})

/** POST /api/push/subscriptions answers the subscription's id. */
export const PushSubscriptionCreated = z.object({ id: z.string() })

/** PUT /api/me/phone and POST /api/me/phone/confirm: the number and whether it is confirmed. */
export const PhoneState = z.object({ number: z.string(), confirmed: z.boolean() })
export type PhoneState = z.infer<typeof PhoneState>

/** A session someone follows (POST answers one, GET /api/me/follows lists them). */
export const FollowedSession = z.object({
  sessionId: z.string(),
  title: z.string(),
  code: z.string(),
  schedule: Schedule.nullable(),
})
export type FollowedSession = z.infer<typeof FollowedSession>
export const FollowList = z.object({ follows: z.array(FollowedSession) })

/** Where a queued message stands (docs/notifications.md, "The queue"). */
export const DeliveryStatus = {
  queued: 'queued',
  sending: 'sending',
  sent: 'sent',
  failed: 'failed',
  dead: 'dead',
} as const
export type DeliveryStatus = (typeof DeliveryStatus)[keyof typeof DeliveryStatus]

/** One row of GET /api/sessions/:id/notifications: what the session sent, to a masked address. */
export const SessionNotification = z.object({
  id: z.string(),
  kind: z.enum(NOTIFICATION_KINDS),
  channel: z.enum(NOTIFICATION_CHANNELS),
  to: z.string(),
  status: z.enum(DeliveryStatus),
  attempts: z.number(),
  lastError: z.string().nullable(),
  createdAt: z.number(),
  sentAt: z.number().nullable(),
  nextAttemptAt: z.number().nullable(),
})
export type SessionNotification = z.infer<typeof SessionNotification>
export const SessionNotificationList = z.object({ notifications: z.array(SessionNotification) })
