import { join } from 'node:path'
import type { NotificationChannel } from '@podium/shared'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import type { AlertChange } from '../analytics/alerts/rules.ts'
import type { Config } from '../config.ts'
import type { Db } from '../db/connect.ts'
import type { EventBus } from '../events/bus.ts'
import type { ServerDocs } from '../sync/server-docs.ts'
import { EmailChannel } from './channels/email.ts'
import { PushChannel } from './channels/push.ts'
import type { EndpointPolicy } from './channels/push-endpoint.ts'
import { SmsChannel } from './channels/sms.ts'
import { Composer, type KindData } from './compose.ts'
import { DeliveryError } from './delivery-error.ts'
import { createMailer, type Mailer } from './mailer.ts'
import { type NotificationMetrics, notificationMetrics } from './metrics.ts'
import { Notifier } from './notify.ts'
import { Preferences } from './preferences.ts'
import {
  type Clock,
  type Executor,
  NotificationQueue,
  type NotificationRow,
  NotificationStatus,
} from './queue.ts'
import { Reminders } from './reminders.ts'
import { DEFAULT_RETRY, type RetryPolicy } from './retry.ts'
import { sessionOwner, subscribeToEvents } from './subscribers.ts'
import { Suppressions } from './suppressions.ts'
import { Templates } from './templates/index.ts'
import { UnsubscribeTokens } from './unsubscribe.ts'
import { NotificationWorker } from './worker.ts'

/** What tests and benchmarks may change; a deployment runs with the defaults. */
export interface NotificationOptions {
  /** The time the queue, reminders and unsubscribe links go by. */
  clock?: Clock
  /** How often each instance looks for due messages (default 1 s). */
  pollMs?: number
  retry?: Partial<RetryPolicy>
  /** How often each instance looks for reminders that are due (default a minute). */
  reminderScanMs?: number
  /** How long a request that queued a mail waits for it to leave (default 3 s). */
  sendNowMs?: number
  /** Push to a local push service: loopback addresses allowed, and its CA trusted. */
  push?: { allowLoopback?: boolean; ca?: string }
}

export interface NotificationDeps {
  config: Config
  db: Db
  docs: Pick<ServerDocs, 'read'>
  log: Logger
  registry: Registry
  /** The base URL of links in messages (PUBLIC_URL, or where this instance listens). */
  baseUrl: () => string
  /** The templates in use, checked before anything else starts (loadTemplates). */
  templates: Templates
}

/** The defaults and the operator's files in DATA_DIR/templates; a broken one throws, naming it. */
export function loadTemplates(config: Pick<Config, 'dataDir'>): Templates {
  return new Templates(join(config.dataDir, 'templates'))
}

/**
 * The notifications domain: one durable queue, a worker in every process, and the e-mail,
 * web push and SMS channels it hands messages to (see docs/notifications.md).
 */
export class Notifications {
  readonly clock: Clock
  readonly queue: NotificationQueue
  readonly preferences: Preferences
  readonly suppressions: Suppressions
  readonly tokens: UnsubscribeTokens
  readonly templates: Templates
  readonly notifier: Notifier
  readonly reminders: Reminders
  readonly worker: NotificationWorker
  readonly metrics: NotificationMetrics
  readonly mailer: Mailer
  readonly push: PushChannel
  readonly sms: SmsChannel | undefined
  /** The channels this server offers: SMS only when it is configured. */
  readonly offered: readonly NotificationChannel[]
  /** Which push endpoints are accepted (loopback only in tests). */
  readonly pushPolicy: EndpointPolicy
  private readonly composer: Composer
  private readonly email: EmailChannel
  private reminderTimer: NodeJS.Timeout | null = null

  constructor(
    private readonly deps: NotificationDeps,
    private readonly options: NotificationOptions = {},
  ) {
    const { config, db, log } = deps
    this.clock = options.clock ?? Date.now
    this.templates = deps.templates
    this.queue = new NotificationQueue(db, this.clock)
    this.preferences = new Preferences(this.clock)
    this.suppressions = new Suppressions(this.clock)
    this.tokens = new UnsubscribeTokens(config.tokenSecret, this.clock)
    this.sms = config.notifications.sms ? new SmsChannel(config.notifications.sms) : undefined
    this.offered = this.sms ? ['email', 'push', 'sms'] : ['email', 'push']
    this.notifier = new Notifier(this.queue, this.preferences, this.suppressions, this.offered)
    this.reminders = new Reminders(
      db,
      this.notifier,
      this.clock,
      log.child({ component: 'reminders' }),
    )
    this.mailer = createMailer({
      smtpUrl: config.accounts.smtpUrl,
      from: config.accounts.mailFrom,
      dataDir: config.dataDir,
      log: log.child({ component: 'mail' }),
    })
    this.email = new EmailChannel(this.mailer, db, this.suppressions, () =>
      messageHost(deps.baseUrl()),
    )
    this.pushPolicy = { allowLoopback: options.push?.allowLoopback ?? false }
    this.push = new PushChannel(db, {
      vapid: config.notifications.vapid,
      policy: this.pushPolicy,
      ...(options.push?.ca ? { ca: options.push.ca } : {}),
    })
    this.composer = new Composer({
      db,
      docs: deps.docs,
      templates: this.templates,
      tokens: this.tokens,
      clock: this.clock,
      baseUrl: deps.baseUrl,
    })
    this.metrics = notificationMetrics(deps.registry, () => this.queue)
    this.worker = new NotificationWorker({
      queue: this.queue,
      deliver: (row) => this.deliver(row),
      clock: this.clock,
      log: log.child({ component: 'notifications' }),
      metrics: this.metrics,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      pollMs: options.pollMs ?? 1_000,
    })
  }

  /**
   * An analytics alert fired or recovered: a message to the session's owner (or its
   * host's account), queued in the transaction that wrote the alert, so once.
   */
  async alertChanged(k: Executor, change: AlertChange): Promise<void> {
    const owner = await sessionOwner(k, change.sessionId)
    if (!owner) return
    const data: KindData['alert'] = { sessionId: change.sessionId, change }
    const ids = await this.notifier.toAccount(k, owner, {
      kind: 'alert',
      sessionId: change.sessionId,
      subject: `${change.sessionId}/${change.rule}/${change.state}/${change.at}`,
      data,
    })
    // The worker looks once the transaction has committed (or at its next poll).
    if (ids.length > 0) setTimeout(() => this.worker.kick(), 25).unref()
  }

  /** Subscribes to the events that make notifications, and starts the worker and the reminder scan. */
  start(events: EventBus): void {
    subscribeToEvents(events, this.notifier, () => this.worker.kick())
    this.worker.start()
    const scan = () =>
      this.reminders
        .scan()
        .then((n) => n > 0 && this.worker.kick())
        .catch((error: unknown) =>
          this.deps.log.error({ err: error }, 'the reminder scan failed; it runs again later'),
        )
    this.reminderTimer = setInterval(scan, this.options.reminderScanMs ?? 60_000)
    this.reminderTimer.unref()
    void scan()
  }

  /**
   * Rows just committed by a request: sent now, and waited for a little (a sign-in mail
   * should be on its way when the request is answered). The queue retries what fails.
   */
  async sendNow(ids: Array<string | null>): Promise<void> {
    const due = ids.filter((id): id is string => id !== null)
    await this.worker.sendNow(due, this.options.sendNowMs ?? 3_000)
  }

  /**
   * An account is being deleted: its preferences, push subscriptions, phone number and
   * follows go, what was still to be sent to it is not sent, and the addresses in its
   * past messages are forgotten.
   */
  async forgetAccount(trx: Executor, accountId: string): Promise<void> {
    for (const table of [
      'notification_preferences',
      'push_subscriptions',
      'phone_numbers',
      'session_follows',
    ] as const)
      await trx.deleteFrom(table).where('account_id', '=', accountId).execute()
    await trx
      .updateTable('notifications')
      .set({ status: NotificationStatus.dead, last_error: 'the account was deleted' })
      .where('account_id', '=', accountId)
      .where('status', 'in', [NotificationStatus.queued, NotificationStatus.failed])
      .execute()
    await trx
      .updateTable('notifications')
      .set({ email: null, phone: null, data: '{}' })
      .where('account_id', '=', accountId)
      .execute()
  }

  async stop(): Promise<void> {
    if (this.reminderTimer) clearInterval(this.reminderTimer)
    this.reminderTimer = null
    await this.worker.stop()
    this.push.close()
    this.mailer.close()
  }

  private async deliver(row: NotificationRow): Promise<Record<string, unknown>> {
    const message = await this.composer.compose(row)
    const channel = row.channel as NotificationChannel
    switch (channel) {
      case 'email':
        await this.email.send(row, message)
        break
      case 'push':
        await this.push.send(row, message)
        break
      case 'sms':
        if (!this.sms) throw new DeliveryError('SMS is not configured on this server', true)
        await this.sms.send(row, message)
        break
      default: {
        const never: never = channel
        throw new DeliveryError(`unknown channel ${String(never)}`, true)
      }
    }
    return message.keep
  }
}

/** The host part of Message-IDs: this server's name. */
function messageHost(baseUrl: string): string {
  try {
    return new URL(baseUrl).hostname || 'podium.invalid'
  } catch {
    return 'podium.invalid'
  }
}
