import type { FastifyInstance } from 'fastify'
import type { Services } from '../services.ts'
import { renderStatusPage, STATUS_CSS } from './status/page.ts'
import { buildReport } from './status/report.ts'

/**
 * `/status` (HTML, no script) and `/status.json`: each component's state from this
 * instance's latest check (a fresh one when the last is older than two minutes), the
 * uptime of the stored checks and the operator's incident notes. Public: it says what
 * works, never who uses it.
 */
export async function statusRoutes(app: FastifyInstance, services: Services) {
  const { checker, store } = services.status
  const report = async () => {
    const now = services.clock()
    const fresh = checker.latest && now - checker.latest.at < 120_000
    const latest =
      fresh && checker.latest ? checker.latest : { at: now, checks: await checker.run() }
    return buildReport(latest, store, now)
  }
  app.get('/status.json', async (_request, reply) => {
    reply.header('cache-control', 'no-store')
    return report()
  })
  app.get('/status', async (_request, reply) => {
    reply.header('cache-control', 'no-store').type('text/html; charset=utf-8')
    return renderStatusPage(await report())
  })
  app.get('/status.css', async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300').type('text/css; charset=utf-8')
    return STATUS_CSS
  })
}
