import type { Hocuspocus } from '@hocuspocus/server'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { Analytics } from './analytics/analytics.ts'
import type { AuthDomain } from './auth/domain.ts'
import type { SessionDirectory } from './auth/sessions-cache.ts'
import type { StandingDirectory, Withdrawals } from './auth/standing.ts'
import type { Billing } from './billing/domain.ts'
import type { Config } from './config.ts'
import type { Db } from './db/connect.ts'
import type { EventBus } from './events/bus.ts'
import type { Notifications } from './notifications/domain.ts'
import type { Metrics } from './observability/metrics.ts'
import type { StatusChecker } from './observability/status/checker.ts'
import type { StatusStore } from './observability/status/store.ts'
import type { Telemetry } from './observability/telemetry.ts'
import type { DocumentStore } from './persistence/store.ts'
import type { ServerDocs } from './sync/server-docs.ts'

/** What routes and extensions share; built once in app.ts. */
export interface Services {
  config: Config
  /** Traces and Sentry, when configured (see observability/telemetry.ts). */
  telemetry: Telemetry
  db: Db
  /** Accounts, devices, sign-in links and providers (see auth/). */
  auth: AuthDomain
  /** Domain events: subscribe here to what the ingest decided (see events/). */
  events: EventBus
  /** What happened in sessions, as reports (see analytics/). */
  analytics: Analytics
  /** The time decisions and events are stamped with: Date.now, unless a test sets it. */
  clock(): number
  log: Logger
  hocuspocus: Hocuspocus
  store: DocumentStore
  sessions: SessionDirectory
  /** Whether a token's holder still stands (the session exists; staff still hold their role). */
  standing: StandingDirectory
  /** Closes the connections of someone whose role was withdrawn, on every instance. */
  withdrawals: Withdrawals
  /** The notification queue, its channels, preferences and unsubscribes (see notifications/). */
  notifications: Notifications
  /** Paid sessions, tickets, plans and Stripe's webhooks (see billing/). */
  billing: Billing
  docs: ServerDocs
  metrics: Metrics
  /** The status page: this instance's periodic checks and the operator's incident notes. */
  status: { store: StatusStore; checker: StatusChecker }
  redis: Redis | undefined
  /** Set when the instance starts to shut down: /readyz answers 503 from then on. */
  lifecycle: { draining: boolean }
  /**
   * The base URL for links people open (join, invite): PUBLIC_URL when set, else the
   * address the request came to, so a link made from another device points back here.
   */
  publicUrl(request?: { protocol: string; headers: { host?: string } }): string
}
