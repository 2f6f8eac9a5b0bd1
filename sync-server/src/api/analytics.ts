import { Readable } from 'node:stream'
import {
  AlertSettingsPatch,
  type AlertSettingsView,
  AnalyticsCompareQuery,
  type AnalyticsComparison,
  AnalyticsExportQuery,
  AnalyticsQuery,
  type AnalyticsReport,
  VideoQualityReport,
} from '@podium/shared'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { claimsAccount, requireAccount } from '../auth/account-access.ts'
import { bearerToken, requireToken } from '../auth/request-tokens.ts'
import { EventStreams } from '../http/event-stream.ts'
import { HttpProblem } from '../http/problem.ts'
import { parse } from '../http/validate.ts'
import type { Services } from '../services.ts'
import { tokenOrAccountRoute } from './access.ts'
import { sessionFor } from './session-access.ts'

/**
 * The sessions among `ids` the caller hosts: with an account token, those the account
 * owns; with a session token, its own session when it is the host's (and the host still
 * stands), and those its account owns when it was issued to a signed-in device.
 */
async function hostedAmong(
  request: FastifyRequest,
  services: Services,
  ids: readonly string[],
): Promise<Set<string>> {
  const hosted = new Set<string>()
  let accountId: string | undefined
  const token = bearerToken(request)
  if (token && claimsAccount(token)) {
    accountId = (await requireAccount(request, services)).account.id
  } else {
    const claims = await requireToken(request, services.config.tokenSecret)
    if (claims.role === 'host' && ids.includes(claims.sid)) {
      const standing = await services.standing.of({
        sessionId: claims.sid,
        userId: claims.sub,
        role: 'host',
      })
      if (standing !== 'revoked') hosted.add(claims.sid)
    }
    if (claims.acc && claims.dev && (await services.auth.devices.signedIn(claims.dev)))
      accountId = claims.acc
  }
  if (accountId !== undefined) {
    const owned = await services.db.kysely
      .selectFrom('sessions')
      .select('id')
      .where('id', 'in', ids)
      .where('owner_account_id', '=', accountId)
      .execute()
    for (const { id } of owned) hosted.add(id)
  }
  return hosted
}

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

  // The session's alert rules: moderators read them, the host changes them.
  api.get('/sessions/:id/analytics/alerts', async (request): Promise<AlertSettingsView> => {
    const { session } = await sessionFor(request, services, ['host', 'moderator'])
    return analytics.alertSettings(session.id)
  })
  api.put('/sessions/:id/analytics/alerts', async (request): Promise<AlertSettingsView> => {
    const { session } = await sessionFor(request, services, ['host'])
    const patch = parse(AlertSettingsPatch, request.body, 'alert settings')
    return analytics.setAlertSettings(session.id, patch)
  })

  // A viewer's browser, once a minute while it watches the stage: how the video held up.
  api.post('/sessions/:id/video-quality', async (request, reply) => {
    const { session, claims } = await sessionFor(request, services, [
      'host',
      'moderator',
      'presenter',
      'attendee',
    ])
    const { reports } = parse(VideoQualityReport, request.body, 'video quality report')
    const refused = await analytics.reportVideo(session.id, claims.sub, reports)
    if (refused) {
      const seconds = Math.ceil(refused.retryAfterMs / 1000)
      reply.header('retry-after', String(seconds))
      throw new HttpProblem(
        429,
        'Too many requests',
        `Video quality is reported once a minute. Try again in ${seconds} s.`,
      )
    }
    services.metrics.video.observe(reports)
    return reply.code(204).send()
  })

  api.get(
    '/analytics/compare',
    tokenOrAccountRoute,
    async (request): Promise<AnalyticsComparison> => {
      const { sessions: ids } = parse(AnalyticsCompareQuery, request.query ?? {}, 'query string')
      const hosted = await hostedAmong(request, services, ids)
      const others = ids.filter((id) => !hosted.has(id))
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
      const figures = await analytics.summaries(ids.map((id) => byId.get(id)!))
      return {
        sessions: figures.map((f) => ({
          sessionId: f.sessionId,
          title: byId.get(f.sessionId)!.title,
          range: f.range,
          totals: f.totals,
          engagement: f.engagement,
        })),
      }
    },
  )

  // Live streams stay open until the client goes; the server ends them when it closes.
  const streams = new EventStreams(api)
  api.get('/sessions/:id/analytics/live', async (request, reply) => {
    const { session } = await sessionFor(request, services, ['host', 'moderator'])
    streams.serve(request, reply, (send) =>
      analytics.live.watch(session.id, (figures) => send('figures', figures)),
    )
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
