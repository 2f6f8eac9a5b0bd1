import type { ColumnType, Generated } from 'kysely'

/** A nullable column inserts may leave out (it is then null). */
type Optional<T> = ColumnType<T | null, T | null | undefined, T | null>

/** The relational tables (documents live in `document_updates`). */
export interface Database {
  sessions: SessionsTable
  users: UsersTable
  votes: VotesTable
  vote_versions: VoteVersionsTable
  poll_answers: PollAnswersTable
  ingested: IngestedTable
  document_updates: DocumentUpdatesTable
  checkpoints: CheckpointsTable
  invites: InvitesTable
  imported_votes: ImportedVotesTable
  audit_log: AuditLogTable
  domain_events: DomainEventsTable
  event_cursors: EventCursorsTable
  accounts: AccountsTable
  identities: IdentitiesTable
  devices: DevicesTable
  refresh_tokens: RefreshTokensTable
  email_links: EmailLinksTable
  auth_requests: AuthRequestsTable
  analytics_events: AnalyticsEventsTable
  analytics_minutes: AnalyticsMinutesTable
  analytics_sessions: AnalyticsSessionsTable
  analytics_participants: AnalyticsParticipantsTable
  analytics_questions: AnalyticsQuestionsTable
  analytics_alerts: AnalyticsAlertsTable
  analytics_alert_settings: AnalyticsAlertSettingsTable
  notifications: NotificationsTable
  notification_preferences: NotificationPreferencesTable
  notification_suppressions: NotificationSuppressionsTable
  push_subscriptions: PushSubscriptionsTable
  phone_numbers: PhoneNumbersTable
  session_follows: SessionFollowsTable
  host_links: HostLinksTable
  ticket_offers: TicketOffersTable
  tickets: TicketsTable
  ticket_reservations: TicketReservationsTable
  ticket_checkouts: TicketCheckoutsTable
  stripe_payments: StripePaymentsTable
  ticket_refunds: TicketRefundsTable
  ticket_disputes: TicketDisputesTable
  stripe_events: StripeEventsTable
  host_plans: HostPlansTable
  reaction_windows: ReactionWindowsTable
  status_checks: StatusChecksTable
  status_incidents: StatusIncidentsTable
  recordings: RecordingsTable
}

export interface SessionsTable {
  id: string
  code: string
  title: string
  host_user_id: string
  status: string
  /** JSON of SessionSettings; the public document carries the live copy. */
  settings: string
  created_at: number
  updated_at: number
  /** The account that created it (signed in); null for a guest host. */
  owner_account_id: Optional<string>
  /** The scheduled start, UTC milliseconds; null when none is set. */
  starts_at: Optional<number>
  /** The IANA time zone the start was given in (Europe/Berlin). */
  time_zone: Optional<string>
}

export interface UsersTable {
  id: string
  session_id: string
  name: string | null
  role: string
  created_at: number
  /** The account this participant belongs to; null for a guest. */
  account_id: Optional<string>
}

/** One row per (session, question, user): a user votes at most once per question. */
export interface VotesTable {
  session_id: string
  question_id: string
  user_id: string
  created_at: number
}

/** The latest version of a user's vote entry on a question whose effect `votes` holds. */
export interface VoteVersionsTable {
  session_id: string
  user_id: string
  question_id: string
  seq: number
}

/** One row per (session, poll, user): a person's answer, changed while the poll is open. */
export interface PollAnswersTable {
  session_id: string
  poll_id: string
  user_id: string
  /** The quiz the poll belongs to, for standings; null for other polls. */
  quiz_id: string | null
  /** The answer as JSON: `{choices, rating, text}` (text normalised for word clouds). */
  answer: string
  /** Server clock when the answer (last) arrived: quiz points are timed from it. */
  answered_at: number
  /** Quiz points, set when the question closes. */
  points: number | null
}

/** One row per outbox entry the ingest has decided on: replays change nothing twice. */
export interface IngestedTable {
  session_id: string
  user_id: string
  entry_id: string
  seq: number
  status: string
  reason: string | null
  /** A moderator's words when rejecting, shown to the author only. */
  detail: string | null
  created_at: number
}

/** Yjs updates appended per document, compacted into one row from time to time. */
export interface DocumentUpdatesTable {
  id: Generated<number>
  name: string
  data: Uint8Array
  created_at: number
}

export interface CheckpointsTable {
  id: string
  session_id: string
  reason: string
  /** Encoded Yjs state of the public document at that moment. */
  state: Uint8Array
  created_at: number
}

export interface InvitesTable {
  id: string
  session_id: string
  role: string
  created_by: string
  expires_at: number
  revoked: number
  created_at: number
  /** The user the invite made (invites are used once); null until accepted. */
  accepted_by: string | null
  accepted_at: number | null
}

/** Vote tallies brought in by an import; live votes in `votes` are added to them. */
export interface ImportedVotesTable {
  session_id: string
  question_id: string
  votes: number
}

/** A session's audit log, written by the server only (see sync-server/src/audit). */
export interface AuditLogTable {
  id: Generated<number>
  session_id: string
  at: number
  /** The connection's or token's user; null when the server could not tell. */
  actor_id: string | null
  actor_name: string | null
  actor_role: string | null
  action: string
  target_id: string | null
  detail: string | null
}

/** What happened, in order (see events/): appended with the decisions it reports. */
export interface DomainEventsTable {
  seq: Generated<number>
  session_id: string
  type: string
  /** JSON of the event's fields (EventData). */
  data: string
  at: number
}

/** How far each event subscriber has got: the last `seq` it handled. */
export interface EventCursorsTable {
  subscriber: string
  seq: number
  updated_at: number
}

/** A person who signs in (see auth/accounts.ts); `email` is stored lower-cased. */
export interface AccountsTable {
  id: string
  email: string
  email_verified: number
  name: string | null
  created_at: number
}

/** A provider's user (OpenID issuer and subject, GitHub user id) that signs in as an account. */
export interface IdentitiesTable {
  provider: string
  subject: string
  account_id: string
  email: string | null
  created_at: number
}

/** A signed-in browser; its refresh tokens are one family, revoked together. */
export interface DevicesTable {
  id: string
  account_id: string
  label: string
  created_at: number
  last_seen_at: number
  revoked_at: Optional<number>
  revoked_reason: Optional<string>
}

/** A refresh token by its SHA-256; `used_at` is set when it is rotated. */
export interface RefreshTokensTable {
  hash: string
  device_id: string
  created_at: number
  expires_at: number
  used_at: Optional<number>
}

/** A single-use sign-in link by its SHA-256. */
export interface EmailLinksTable {
  hash: string
  email: string
  return_to: string | null
  created_at: number
  expires_at: number
  used_at: Optional<number>
}

/** A provider sign-in under way: what the callback must match. */
export interface AuthRequestsTable {
  state: string
  provider: string
  code_verifier: string
  nonce: string
  return_to: string | null
  created_at: number
  expires_at: number
}

/** One row per domain event analytics recorded (see analytics/); deleted after the retention. */
export interface AnalyticsEventsTable {
  id: Generated<number>
  /** The domain event's seq. */
  seq: number
  session_id: string
  at: number
  /** `at` in whole minutes since the epoch. */
  minute: number
  kind: string
  /** Who did it (the author, voter, or the one who came or went); null when nobody did. */
  participant_id: string | null
  /** The question or reply it is about. */
  subject_id: string | null
  /** A delay in milliseconds (moderation, answer), where the event has one. */
  value: number | null
  /** A short word: a rejection's reason, a status, `queued`. */
  detail: string | null
}

/** A session's minute: the rollup reports read. Counters are sums; presence is a level. */
export interface AnalyticsMinutesTable {
  session_id: string
  minute: number
  /** The most people present at once during the minute. */
  peak_present: Generated<number>
  /** People present at the minute's last event (and until the next row's minute). */
  end_present: Generated<number>
  arrived: Generated<number>
  departed: Generated<number>
  /** People seen for the first time in the session. */
  new_participants: Generated<number>
  asked: Generated<number>
  published: Generated<number>
  rejected: Generated<number>
  answered: Generated<number>
  votes: Generated<number>
  unvotes: Generated<number>
  replies: Generated<number>
  /** Moderators' decisions (approve, reject) and their summed delay since the ask. */
  moderated: Generated<number>
  moderation_ms: Generated<number>
  /** Answers whose question's publishing time is known, and their summed delay. */
  answer_timed: Generated<number>
  answer_ms: Generated<number>
  /** Viewers' video quality reports, and those that were poor. */
  video_reports: Generated<number>
  video_poor: Generated<number>
  /** Sums of the reports' means, and how many reports had each (a browser may give none). */
  video_rtt_ms: Generated<number>
  video_rtt_n: Generated<number>
  /** Loss in hundredths of a percent; frames a second in hundredths. */
  video_loss_bp: Generated<number>
  video_loss_n: Generated<number>
  video_jitter_ms: Generated<number>
  video_jitter_n: Generated<number>
  video_kbps: Generated<number>
  video_kbps_n: Generated<number>
  video_fps_x100: Generated<number>
  video_fps_n: Generated<number>
  /** Openings of the room and of the projector (one a person a view a minute). */
  room_opens: Generated<number>
  projector_opens: Generated<number>
}

export interface AnalyticsSessionsTable {
  session_id: string
  /** People present now. */
  present: Generated<number>
  /** Engagement's counts (seen, staff left out): everyone, who asked or replied, who only voted. */
  people: Generated<number>
  asked_or_replied: Generated<number>
  voted_only: Generated<number>
}

/** What each person did in a session, as flags (0 or 1). */
export interface AnalyticsParticipantsTable {
  session_id: string
  user_id: string
  first_at: number
  /** Came to the room or took part (a row made only by a staff action is not). */
  seen: Generated<number>
  present: Generated<number>
  /** Acted as staff (moderated, answered, changed the status): left out of the score. */
  staff: Generated<number>
  asked: Generated<number>
  voted: Generated<number>
  replied: Generated<number>
}

/** Each question's times, for delays, medians and the top questions. */
export interface AnalyticsQuestionsTable {
  session_id: string
  question_id: string
  author_id: string | null
  asked_at: number | null
  published_at: number | null
  rejected_at: number | null
  /** When a moderator approved or rejected it, and how long after the ask. */
  moderated_at: number | null
  moderation_ms: number | null
  answered_at: number | null
  /** From publishing (or asking) to the answer. */
  answer_ms: number | null
  /** When its author took it back. */
  withdrawn_at: number | null
  /** Votes counted minus votes taken back. */
  votes: Generated<number>
}

/** A session's own alert thresholds (AlertSettings as JSON). */
export interface AnalyticsAlertSettingsTable {
  session_id: string
  settings: string
  updated_at: number
}

/** An alert: fired when its rule held, closed when it stopped holding (see analytics/alerts.ts). */
export interface AnalyticsAlertsTable {
  id: Generated<number>
  session_id: string
  rule: string
  fired_at: number
  recovered_at: number | null
  /** JSON of the figures that made it fire. */
  detail: string
}

/** One message on one channel, queued until sent (see notifications/queue.ts). */
export interface NotificationsTable {
  id: string
  kind: string
  channel: string
  account_id: string | null
  email: string | null
  push_subscription_id: string | null
  phone: string | null
  /** The session it is about, for the host's view; null for sign-in mail and the like. */
  session_id: string | null
  /** JSON of the template's data. */
  data: string
  idempotency_key: string
  status: string
  attempts: number
  next_attempt_at: number
  last_error: string | null
  created_at: number
  sent_at: Optional<number>
}

export interface NotificationPreferencesTable {
  account_id: string
  kind: string
  channel: string
  enabled: number
  updated_at: number
}

export interface NotificationSuppressionsTable {
  email: string
  /** A kind of message, or `*` for every kind that is not strictly transactional. */
  kind: string
  reason: string
  created_at: number
}

export interface PushSubscriptionsTable {
  id: string
  account_id: string
  endpoint: string
  p256dh: string
  auth: string
  created_at: number
}

export interface PhoneNumbersTable {
  account_id: string
  phone: string
  confirmed_at: Optional<number>
  code_hash: Optional<string>
  code_expires_at: Optional<number>
  code_attempts: number
  created_at: number
}

export interface SessionFollowsTable {
  session_id: string
  account_id: string
  created_at: number
}

/** A session's private host links, only their hashes; a newer one revokes the one before. */
export interface HostLinksTable {
  hash: string
  session_id: string
  created_at: number
  /** When a newer link replaced it; null while it works. */
  revoked_at: Optional<number>
}

export interface TicketOffersTable {
  session_id: string
  /** Integer minor units of `currency` (cents; whole yen for JPY). */
  amount: number
  currency: string
  /** JSON {currency: amount} of the other currencies it is sold in. */
  prices: string
  capacity: Optional<number>
  sales_start: Optional<number>
  sales_end: Optional<number>
  updated_at: number
}

export interface TicketsTable {
  id: string
  session_id: string
  account_id: Optional<string>
  email: string
  /** `paid` or `comp`. */
  kind: string
  /** `pending` (a bank debit not yet settled), `active` or `revoked`. */
  status: string
  amount: number
  currency: Optional<string>
  amount_refunded: number
  checkout_session_id: Optional<string>
  payment_intent_id: Optional<string>
  revoked_reason: Optional<string>
  created_at: number
  updated_at: number
}

export interface TicketReservationsTable {
  id: string
  session_id: string
  account_id: string
  checkout_session_id: Optional<string>
  expires_at: number
  created_at: number
}

/** A ticket Checkout Session, by Stripe's id: `open`, `complete` or `expired`. */
export interface TicketCheckoutsTable {
  id: string
  session_id: string
  account_id: string
  status: string
  created_at: number
  updated_at: number
}

export interface StripePaymentsTable {
  payment_intent_id: string
  charge_id: Optional<string>
  amount: number
  currency: string
  amount_refunded: number
  disputed: number
  updated_at: number
}

export interface TicketRefundsTable {
  id: string
  ticket_id: string
  stripe_refund_id: Optional<string>
  amount: number
  currency: string
  revoke: number
  /** `requested`, `succeeded` or `failed`. */
  status: string
  failure: Optional<string>
  created_at: number
}

export interface TicketDisputesTable {
  id: string
  payment_intent_id: string
  amount: number
  currency: string
  reason: Optional<string>
  created_at: number
}

export interface StripeEventsTable {
  id: string
  type: string
  payload: string
  /** `queued`, `done`, `ignored` (a type Podium does not act on) or `failed`. */
  status: string
  attempts: number
  next_attempt_at: number
  locked_by: Optional<string>
  locked_until: Optional<number>
  last_error: Optional<string>
  /** The event's own time (Stripe's `created`, seconds). */
  created: number
  received_at: number
  handled_at: Optional<number>
}

export interface HostPlansTable {
  account_id: string
  customer_id: Optional<string>
  subscription_id: Optional<string>
  plan: string
  /** The subscription's status as Stripe names it (active, past_due, canceled…). */
  status: string
  period_end: Optional<number>
  grace_until: Optional<number>
  /** The `created` of the newest event applied: an older one changes nothing. */
  stripe_updated: number
  updated_at: number
}

/** Reactions counted in one window on one instance (see reactions/). */
export interface ReactionWindowsTable {
  session_id: string
  /** The window's start, ms since the epoch. */
  second: number
  instance_id: string
  /** JSON: reaction id → count. */
  counts: string
  total: number
}

/** One component's state as one instance saw it (see observability/status/). */
export interface StatusChecksTable {
  at: number
  instance: string
  component: string
  state: string
}

/** A note the operator posts on the status page. */
export interface StatusIncidentsTable {
  id: string
  title: string
  body: string
  impact: string
  created_at: number
  updated_at: number
  resolved_at: Optional<number>
}

/** One stage recording of a session (see recordings/); its file is under DATA_DIR/recordings. */
export interface RecordingsTable {
  id: string
  session_id: string
  /** recording, processing, ready or failed (RecordingStatus in shared/). */
  status: string
  started_at: number
  stopped_at: Optional<number>
  duration_ms: Optional<number>
  size_bytes: Optional<number>
  /** The file's name in the session's folder, once ready. */
  file: Optional<string>
  /** Why post-processing failed, in words a host can act on. */
  error: Optional<string>
}
