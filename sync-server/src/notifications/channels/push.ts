import webpush, { WebPushError } from 'web-push'
import type { Db } from '../../db/connect.ts'
import type { Composed } from '../compose.ts'
import { DeliveryError } from '../delivery-error.ts'
import type { NotificationRow } from '../queue.ts'
import { type EndpointPolicy, endpointProblem, guardedAgent } from './push-endpoint.ts'

export interface PushOptions {
  vapid: { publicKey: string; privateKey: string; subject: string }
  policy: EndpointPolicy
  /** Tests only: a CA to trust for a local push service. */
  ca?: string
}

/** How long a push service keeps a message for an offline browser (seconds). */
const TTL = 24 * 3600

/**
 * Web push through `web-push` with VAPID. A subscription the push service says is gone
 * (404, 410) is removed; 429 and 5xx are tried again, after Retry-After when given.
 */
export class PushChannel {
  private readonly agent

  constructor(
    private readonly db: Db,
    private readonly options: PushOptions,
  ) {
    this.agent = guardedAgent(options.policy, options.ca)
  }

  get publicKey(): string {
    return this.options.vapid.publicKey
  }

  async send(row: NotificationRow, message: Composed): Promise<void> {
    const id = row.push_subscription_id
    const subscription = id
      ? await this.db.kysely
          .selectFrom('push_subscriptions')
          .select(['endpoint', 'p256dh', 'auth'])
          .where('id', '=', id)
          .executeTakeFirst()
      : undefined
    if (!subscription) throw new DeliveryError('the push subscription was removed', true)
    const refused = endpointProblem(subscription.endpoint, this.options.policy)
    if (refused) throw new DeliveryError(refused, true)
    const payload = JSON.stringify({
      title: message.rendered.subject,
      body: message.rendered.short,
      url: message.url ?? null,
      kind: row.kind,
      id: row.id,
    })
    try {
      await webpush.sendNotification(
        {
          endpoint: subscription.endpoint,
          keys: { p256dh: subscription.p256dh, auth: subscription.auth },
        },
        payload,
        {
          vapidDetails: this.options.vapid,
          TTL,
          urgency: row.kind === 'reminder' ? 'high' : 'normal',
          topic: row.kind,
          timeout: 30_000,
          agent: this.agent,
        },
      )
    } catch (error) {
      if (error instanceof WebPushError) {
        if (error.statusCode === 404 || error.statusCode === 410) {
          await this.db.kysely.deleteFrom('push_subscriptions').where('id', '=', id!).execute()
          throw new DeliveryError(
            `the push service says the subscription is gone (${error.statusCode}); it was removed`,
            true,
          )
        }
        const retryAfter = retryAfterMs(error.headers?.['retry-after'])
        if (error.statusCode === 429 || error.statusCode >= 500)
          throw new DeliveryError(
            `the push service answered ${error.statusCode}`,
            false,
            retryAfter,
          )
        throw new DeliveryError(
          `the push service refused the message (${error.statusCode}): ${String(error.body).slice(0, 200)}`,
          true,
        )
      }
      throw new DeliveryError(
        `the push service could not be reached: ${error instanceof Error ? error.message : String(error)}`,
        false,
      )
    }
  }

  close(): void {
    this.agent.destroy()
  }
}

/** Retry-After as seconds or an HTTP date, in milliseconds from now. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}
