import type { ClientErrorReport } from '@podium/shared'
import type { FastifyBaseLogger } from 'fastify'
import type { Metrics } from './metrics.ts'
import { scrub } from './scrub.ts'

/** A browser's error report, scrubbed of personal data, in the log and the counter. */
export function recordClientError(
  report: ClientErrorReport,
  to: { log: FastifyBaseLogger; metrics: Metrics; userAgent: string | undefined },
): void {
  to.metrics.clientErrors.labels(report.kind).inc()
  to.log.warn(
    {
      clientError: {
        kind: report.kind,
        message: scrub(report.message),
        ...(report.stack ? { stack: scrub(report.stack) } : {}),
        ...(report.path ? { path: scrub(report.path) } : {}),
        ...(report.release ? { release: scrub(report.release) } : {}),
        // The browser, not the person: the user agent's first 200 characters.
        ...(to.userAgent ? { userAgent: to.userAgent.slice(0, 200) } : {}),
      },
    },
    'client error',
  )
}
