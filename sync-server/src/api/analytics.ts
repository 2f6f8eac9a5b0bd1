import { Readable } from 'node:stream'
import {
  AnalyticsCompareQuery,
  type AnalyticsComparison,
  AnalyticsExportQuery,
  AnalyticsQuery,
  type AnalyticsReport,
} from '@podium/shared'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { HttpProblem } from '../http/problem.ts'
import { parse } from '../http/validate.ts'
import type { Services } from '../services.ts'
import { requireToken } from './auth.ts'
import { sessionFor } from './session-access.ts'

/**
 * Whether the caller hosts `sessionId`: today, a host token for that very session (whose
 * host still stands). Accounts will widen it to the sessions the account owns.
 */
async function canHost(
  request: FastifyRequest,
  services: Services,
  sessionId: string,
): Promise<boolean> {
  const claims = await requireToken(request, services.config.tokenSecret)
  if (claims.role !== 'host' || claims.sid !== sessionId) return false
  const standing = await services.standing.of({ sessionId, userId: claims.sub, role: 'host' })
  return standing !== 'revoked'
}

/** How often an idle live stream sends a comment. */
const HEARTBEAT_MS = 15_000

function attachment(reply: FastifyReply, code: string, extension: string): FastifyReply {
  const day = new Date().toISOString().slice(0, 10)
  return reply.header(
    'content-disposition',
    `attachment; filename="podium-${code}-analytics-${day}.${extension}"`,
  )
}

/** Reports for the host and moderators; comparisons and exports for hosts. */
export async function analyticsRoutes(api: FastifyInstance, services: Services) {
  const { analytics } = services

  api.get('/sessions/:id/analytics', async (request): Promise<AnalyticsReport> => {
    const { session } = await sessionFor(request, services, ['host', 'moderator'])
    const query = parse(AnalyticsQuery, request.query ?? {}, 'query string')
    await services.billing.checkAnalyticsWindow(session.id, query.from)
    return analytics.report(session, query)
  })

  api.get('/analytics/compare', async (request): Promise<AnalyticsComparison> => {
    const { sessions: ids } = parse(AnalyticsCompareQuery, request.query ?? {}, 'query string')
    const hosted = await Promise.all(ids.map((id) => canHost(request, services, id)))
    const others = ids.filter((_, i) => !hosted[i])
    // Sessions that do not exist are among those not hosted: nothing says which.
    if (others.length > 0) {
      throw HttpProblem.forbidden(
        `You do not host ${others.join(', ')}: a comparison takes only sessions you host.`,
      )
    }
    const rows = await services.db.kysely
      .selectFrom('sessions')
      .select(['id', 'title', 'created_at'])
      .where('id', 'in', ids)
      .execute()
    const byId = new Map(rows.map((r) => [r.id, r]))
    const missing = ids.filter((id) => !byId.has(id))
    if (missing.length > 0) {
      throw HttpProblem.notFound(
        `There is no session ${missing.join(', ')}; it may have been deleted.`,
      )
    }
    return {
      sessions: await Promise.all(
        ids.map(async (id) => {
          const row = byId.get(id)!
          return { sessionId: id, title: row.title, ...(await analytics.summary(row)) }
        }),
      ),
    }
  })

  // Live streams stay open until the client goes; the server ends them when it closes.
  const streams = new Set<() => void>()
  api.addHook('preClose', async () => {
    for (const end of [...streams]) end()
  })

  api.get('/sessions/:id/analytics/live', async (request, reply) => {
    const { session } = await sessionFor(request, services, ['host', 'moderator'])
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      // Proxies (nginx, Caddy) pass each event on at once.
      'x-accel-buffering': 'no',
      'x-request-id': request.id,
    })
    res.write('retry: 5000\n\n')
    const stop = analytics.live.watch(session.id, (figures) => {
      res.write(`event: figures\ndata: ${JSON.stringify(figures)}\n\n`)
    })
    // A comment now and then keeps proxies from closing an idle stream.
    const heartbeat = setInterval(() => res.write(': still here\n\n'), HEARTBEAT_MS)
    heartbeat.unref()
    /** The server ends the stream (it is closing), or the client went. */
    const end = (clientWent = false) => {
      if (!streams.delete(end)) return
      clearInterval(heartbeat)
      stop()
      // Ended into a socket its client closed, the response never finishes and keeps
      // the server from closing: that socket is dropped instead.
      if (clientWent) res.destroy()
      else res.end()
    }
    streams.add(end)
    res.on('close', () => end(true))
  })

  for (const format of ['csv', 'json'] as const) {
    api.get(`/sessions/:id/analytics/export.${format}`, async (request, reply) => {
      const { session, claims } = await sessionFor(request, services, ['host', 'moderator'])
      if (claims.role !== 'host') {
        throw HttpProblem.forbidden(
          `Analytics exports are the host's. Ask the host for one; as a moderator you can read the report at /api/sessions/${session.id}/analytics.`,
        )
      }
      const query = parse(AnalyticsExportQuery, request.query ?? {}, 'query string')
      const chunks = analytics.export(session.id, format, query)
      return attachment(reply, session.code, format)
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
        .send(Readable.from(chunks))
    })
  }
}
