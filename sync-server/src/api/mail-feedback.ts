import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { bearerToken } from '../auth/request-tokens.ts'
import { HttpProblem } from '../http/problem.ts'
import { parse } from '../http/validate.ts'
import { type Feedback, FeedbackBody, parseFeedbackMail } from '../notifications/feedback.ts'
import { ALL_KINDS } from '../notifications/suppressions.ts'
import type { Services } from '../services.ts'
import { openRoute } from './access.ts'

/** The largest report taken (an abuse report carries the original message). */
const FEEDBACK_MAX_BYTES = 1024 * 1024

const sameSecret = (given: string, expected: string) => {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * POST /api/mail/feedback: a mail relay's complaints and bounces (its feedback loop), with
 * `Authorization: Bearer MAIL_FEEDBACK_TOKEN`. JSON `{reports: [{type, email, permanent}]}`,
 * or a raw abuse report (ARF) or delivery status notification as `message/rfc822`. A
 * complaint or a permanent bounce suppresses the address for every kind that is not
 * transactional; a temporary bounce is ignored.
 */
export async function mailFeedbackRoutes(api: FastifyInstance, services: Services) {
  const { db, notifications } = services
  await api.register(async (scope) => {
    scope.addContentTypeParser(
      ['message/rfc822', 'message/feedback-report', 'multipart/report'],
      { parseAs: 'string' },
      (_request, body, done) => done(null, body),
    )
    scope.post(
      '/mail/feedback',
      { ...openRoute, bodyLimit: FEEDBACK_MAX_BYTES },
      async (request) => {
        const expected = services.config.notifications.feedbackToken
        if (!expected)
          throw HttpProblem.notFound(
            'No mail feedback is taken here: set MAIL_FEEDBACK_TOKEN and post complaints and bounces with it.',
          )
        const given = bearerToken(request)
        if (!given || !sameSecret(given, expected))
          throw HttpProblem.unauthorized(
            'Send MAIL_FEEDBACK_TOKEN as Authorization: Bearer; this one is missing or wrong.',
          )
        let reports: Feedback[]
        if (typeof request.body === 'string') {
          try {
            reports = parseFeedbackMail(request.body)
          } catch (error) {
            throw HttpProblem.badRequest(
              `The report could not be read: ${(error as Error).message}.`,
            )
          }
        } else {
          reports = parse(FeedbackBody, request.body).reports.map((r) => ({
            ...r,
            email: r.email.toLowerCase(),
            permanent: r.type === 'complaint' || r.permanent !== false,
          }))
        }
        const suppressed: Array<{ email: string; reason: 'complained' | 'bounced' }> = []
        let ignored = 0
        await db.kysely.transaction().execute(async (trx) => {
          for (const r of reports) {
            if (r.type === 'bounce' && !r.permanent) {
              ignored++
              continue
            }
            const reason = r.type === 'complaint' ? 'complained' : 'bounced'
            await notifications.suppressions.add(trx, r.email, ALL_KINDS, reason)
            suppressed.push({ email: r.email, reason })
          }
        })
        request.log.info({ suppressed: suppressed.length, ignored }, 'mail feedback taken')
        return { suppressed, ignored }
      },
    )
  })
}
