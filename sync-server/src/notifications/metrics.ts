import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import type { NotificationQueue } from './queue.ts'

/** The queue's metrics, in the registry `/metrics` serves. */
export function notificationMetrics(
  registry: Registry,
  queue: () => NotificationQueue | undefined,
) {
  const labelNames = ['channel', 'kind'] as const
  let backlog: Promise<{ waiting: number; oldestDueMs: number }> | null = null
  // One query answers both gauges of a scrape.
  const read = () => {
    backlog ??= (queue()?.backlog() ?? Promise.resolve({ waiting: 0, oldestDueMs: 0 })).finally(
      () => setTimeout(() => (backlog = null), 100),
    )
    return backlog
  }
  return {
    queued: new Gauge({
      name: 'podium_notifications_queued',
      help: 'Notifications waiting to be sent (queued, failed and due again, or being sent)',
      registers: [registry],
      async collect() {
        this.set((await read()).waiting)
      },
    }),
    oldestDue: new Gauge({
      name: 'podium_notifications_oldest_due_seconds',
      help: 'How long the oldest notification that is due has waited',
      registers: [registry],
      async collect() {
        this.set((await read()).oldestDueMs / 1000)
      },
    }),
    sent: new Counter({
      name: 'podium_notifications_sent_total',
      help: 'Notifications this instance handed to their channel',
      labelNames,
      registers: [registry],
    }),
    failed: new Counter({
      name: 'podium_notifications_failed_total',
      help: 'Attempts that failed and will be tried again',
      labelNames,
      registers: [registry],
    }),
    dead: new Counter({
      name: 'podium_notifications_dead_total',
      help: 'Notifications given up after their last attempt, or refused for good',
      labelNames,
      registers: [registry],
    }),
    delay: new Histogram({
      name: 'podium_notifications_delay_seconds',
      help: 'From queued to handed to the channel',
      labelNames,
      buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 300, 1800],
      registers: [registry],
    }),
  }
}
export type NotificationMetrics = ReturnType<typeof notificationMetrics>
