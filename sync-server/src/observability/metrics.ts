import type { Hocuspocus } from '@hocuspocus/server'
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'

/** Prometheus metrics for `/metrics`: process defaults plus Podium's own. */
export function createMetrics(hocuspocus: () => Hocuspocus | undefined) {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'podium_' })
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
  }
  return metrics
}
export type Metrics = ReturnType<typeof createMetrics>
