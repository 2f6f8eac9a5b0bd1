import { Counter, Gauge, type Registry } from 'prom-client'
import type { Db } from '../db/connect.ts'
import { EventStatus } from './events.ts'

/**
 * The Stripe webhook queue's health on `/metrics`: handling failures as they happen, and
 * the events waiting or given up on, read from the table (every instance sees the same).
 */
export function webhookMetrics(registry: Registry, db: Db) {
  let backlog: Promise<Map<string, number>> | null = null
  // One query answers both series of a scrape.
  const read = () => {
    backlog ??= db.kysely
      .selectFrom('stripe_events')
      .select(['status', (eb) => eb.fn.countAll<string | number>().as('n')])
      .where('status', 'in', [EventStatus.queued, EventStatus.failed])
      .groupBy('status')
      .execute()
      .then((rows) => new Map(rows.map((r) => [r.status, Number(r.n)])))
      .finally(() => setTimeout(() => (backlog = null), 100))
    return backlog
  }
  return {
    failures: new Counter({
      name: 'podium_stripe_webhook_failures_total',
      help: 'Stripe events whose handling failed on this instance: retried, or given up on (failed)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    refused: new Counter({
      name: 'podium_stripe_webhook_refused_total',
      help: 'Webhook requests refused before storing: a missing, wrong or stale signature',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    events: new Gauge({
      name: 'podium_stripe_events',
      help: 'Stripe events waiting to be handled (queued) and given up on (failed)',
      labelNames: ['status'] as const,
      registers: [registry],
      async collect() {
        const counts = await read().catch(() => new Map<string, number>())
        for (const status of [EventStatus.queued, EventStatus.failed])
          this.labels(status).set(counts.get(status) ?? 0)
      },
    }),
  }
}
export type WebhookMetrics = ReturnType<typeof webhookMetrics>
