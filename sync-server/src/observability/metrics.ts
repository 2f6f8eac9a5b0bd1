import type { Hocuspocus } from '@hocuspocus/server'
import type { Redis } from 'ioredis'
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import type { Db } from '../db/connect.ts'
import { dependencyMetrics } from './dependency-metrics.ts'
import { sessionClientsGauge } from './session-clients.ts'
import { videoQualityMetrics } from './video-metrics.ts'

/** What the metrics read when Prometheus scrapes them. */
export interface MetricSources {
  hocuspocus(): Hocuspocus | undefined
  db?: Db
  redis?: Redis | undefined
}

/**
 * From an entry made on a phone (its own clock, so skew shows as 0 or a little more) to
 * decided, and to its receipt: seconds when online, minutes or hours for an entry typed
 * offline, so the buckets reach an hour.
 */
const LATENCY_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 3600]

/** Prometheus metrics for `/metrics`: process defaults plus Podium's own. */
export function createMetrics(sources: MetricSources | (() => Hocuspocus | undefined)) {
  const { hocuspocus, db, redis } =
    typeof sources === 'function'
      ? { hocuspocus: sources, db: undefined, redis: undefined }
      : sources
  const registry = new Registry()
  // Event-loop lag comes with the defaults: podium_nodejs_eventloop_lag_p99_seconds and kin.
  collectDefaultMetrics({ register: registry, prefix: 'podium_' })
  const entryLabels = ['type'] as const
  const decided = new Histogram({
    name: 'podium_ingest_decision_seconds',
    help: 'From an outbox entry made (client clock) to the ingest deciding it, by entry type',
    labelNames: entryLabels,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  })
  const receipted = new Histogram({
    name: 'podium_ingest_receipt_seconds',
    help: 'From an outbox entry made (client clock) to its receipt stored and sent, by entry type',
    labelNames: entryLabels,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  })
  const sinceMade = (createdAt: number) => Math.max(0, Date.now() - createdAt) / 1000
  const metrics = {
    registry,
    connections: new Gauge({
      name: 'podium_sync_connections',
      help: 'Open document connections on this instance',
      registers: [registry],
      collect() {
        this.set(hocuspocus()?.getConnectionsCount() ?? 0)
      },
    }),
    documents: new Gauge({
      name: 'podium_sync_documents',
      help: 'Documents loaded in memory on this instance',
      registers: [registry],
      collect() {
        this.set(hocuspocus()?.getDocumentsCount() ?? 0)
      },
    }),
    sessionClients: sessionClientsGauge(registry, hocuspocus),
    ingested: new Counter({
      name: 'podium_ingest_entries_total',
      help: 'Outbox entries decided by the ingest, by type and status',
      labelNames: ['type', 'status'] as const,
      registers: [registry],
    }),
    ingestTick: new Histogram({
      name: 'podium_ingest_tick_seconds',
      help: 'Time one ingest tick takes for one session',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    ingestSessions: new Gauge({
      name: 'podium_ingest_sessions',
      help: 'Sessions whose ingest state is held in memory on this instance',
      registers: [registry],
    }),
    observeDecided(type: string, createdAt: number): void {
      decided.labels(type).observe(sinceMade(createdAt))
    },
    observeReceipted(type: string, createdAt: number): void {
      receipted.labels(type).observe(sinceMade(createdAt))
    },
    store: new Histogram({
      name: 'podium_store_seconds',
      help: 'Writing a document update (append) and merging a document’s stored updates (compact)',
      labelNames: ['operation'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    refusedFrames: new Counter({
      name: 'podium_sync_refused_frames_total',
      help: 'Frames refused by the sync limits, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    httpRequests: new Histogram({
      name: 'podium_http_request_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    clientErrors: new Counter({
      name: 'podium_client_errors_total',
      help: 'Errors browsers reported (POST /api/client-errors), by kind',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    video: videoQualityMetrics(registry),
    ...dependencyMetrics(registry, { db, redis }),
  }
  return metrics
}
export type Metrics = ReturnType<typeof createMetrics>
