import { KIND_RULES } from '@podium/shared'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { HttpProblem } from '../http/problem.ts'
import { parse } from '../http/validate.ts'
import { escapeHtml } from '../notifications/templates/language.ts'
import type { UnsubscribeClaims } from '../notifications/unsubscribe.ts'
import type { Services } from '../services.ts'
import { openRoute } from './access.ts'

const TokenQuery = z.object({
  token: z.string({ error: 'token is missing: open the whole link from the mail' }).max(1024),
})

/** The one-click body (RFC 8058) and form posts are small text; read as such, then ignored. */
const FORM_BODY_BYTES = 2048

/**
 * Unsubscribe links in mail (and the List-Unsubscribe header): GET shows what the link
 * would stop and asks to confirm (mail scanners open links, so GET changes nothing);
 * POST stops it, which is also what a mail client's one-click unsubscribe sends
 * (`List-Unsubscribe=One-Click`). No sign-in: the signed token is the proof.
 */
export async function unsubscribeRoutes(api: FastifyInstance, services: Services) {
  const { notifications, db } = services

  const claimsOf = (request: FastifyRequest): UnsubscribeClaims => {
    const { token } = parse(TokenQuery, request.query, 'query')
    const claims = notifications.tokens.verify(token)
    if ('refused' in claims) {
      if (claims.refused === 'expired')
        throw new HttpProblem(
          410,
          'Link expired',
          'This unsubscribe link has expired. Use the link in a newer mail, or change your notifications on your account page.',
        )
      throw HttpProblem.badRequest(
        'This unsubscribe link is not valid. Open the whole link from the mail, or change your notifications on your account page.',
      )
    }
    return claims
  }

  const wantsHtml = (request: FastifyRequest) =>
    (request.headers.accept ?? '').includes('text/html')

  const page = (reply: FastifyReply, status: number, title: string, body: string) =>
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      .send(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`,
      )

  /** Answers a browser with a page, anything else with problem+json. */
  const refuse = (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
    if (error instanceof HttpProblem && wantsHtml(request))
      return page(reply, error.status, error.title, `<p>${escapeHtml(error.detail)}</p>`)
    throw error
  }

  api.get('/unsubscribe', openRoute, async (request, reply) => {
    let claims: UnsubscribeClaims
    try {
      claims = claimsOf(request)
    } catch (error) {
      return refuse(request, reply, error)
    }
    const label = KIND_RULES[claims.kind].label
    if (!wantsHtml(request)) return { email: claims.email, kind: claims.kind, label }
    const action = `/api/unsubscribe?token=${encodeURIComponent(
      (request.query as { token: string }).token,
    )}`
    return page(
      reply,
      200,
      'Unsubscribe',
      `<p>Stop sending <strong>${escapeHtml(label.toLowerCase())}</strong> to ${escapeHtml(claims.email)}?</p><form method="post" action="${escapeHtml(action)}"><button type="submit">Unsubscribe</button></form>`,
    )
  })

  await api.register(async (scope) => {
    // Mail clients post `List-Unsubscribe=One-Click` form-encoded (or as multipart); the
    // body says nothing the token does not, so it is read as text and not looked at.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser(
      '*',
      { parseAs: 'string', bodyLimit: FORM_BODY_BYTES },
      (_request, body, done) => done(null, body),
    )
    scope.post('/unsubscribe', openRoute, async (request, reply) => {
      let claims: UnsubscribeClaims
      try {
        claims = claimsOf(request)
      } catch (error) {
        return refuse(request, reply, error)
      }
      const account = claims.accountId
        ? await db.kysely
            .selectFrom('accounts')
            .select(['id', 'email'])
            .where('id', '=', claims.accountId)
            .executeTakeFirst()
        : undefined
      await db.kysely.transaction().execute(async (trx) => {
        if (account && account.email === claims.email)
          await notifications.preferences.change(trx, account.id, {
            kinds: { [claims.kind]: { email: false } },
          })
        else await notifications.suppressions.add(trx, claims.email, claims.kind, 'unsubscribed')
      })
      request.log.info({ kind: claims.kind }, 'unsubscribed from a kind of mail')
      const label = KIND_RULES[claims.kind].label
      if (!wantsHtml(request)) return { unsubscribed: true, email: claims.email, kind: claims.kind }
      return page(
        reply,
        200,
        'Unsubscribed',
        `<p>${escapeHtml(claims.email)} gets no more ${escapeHtml(label.toLowerCase())}.</p>`,
      )
    })
  })
}
