import { CheckoutBody, CompTicketBody, RefundBody } from '@podium/shared'
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { optionalAccount, requireAccount } from '../auth/account-access.ts'
import { lastCheckout } from '../billing/checkouts.ts'
import { salesCsv, salesReport } from '../billing/report.ts'
import { holdsTicket } from '../billing/tickets.ts'
import { HttpProblem } from '../http/problem.ts'
import { parse } from '../http/validate.ts'
import type { Services } from '../services.ts'
import { accountRoute, openRoute } from './access.ts'
import { auditApi } from './audit.ts'
import { pathIds, sessionFor } from './session-access.ts'

const CodeQuery = z.strictObject({
  code: z.string({ error: 'code is the session code, such as ?code=ABC123' }).trim().min(1).max(32),
})

/** Paid sessions: the join page's offer, Checkout, the host's comps, list and refunds. */
export async function ticketRoutes(api: FastifyInstance, services: Services) {
  const { billing, db } = services

  api.get('/tickets', openRoute, async (request) => {
    const { code } = parse(CodeQuery, request.query, 'query')
    const ticket = await billing.offerByCode(code.toUpperCase())
    // Signed in: whether the account holds one already (the page then says so).
    const signedIn = ticket ? await optionalAccount(request, services) : undefined
    const held =
      signedIn && ticket ? await holdsTicket(db.kysely, ticket.sessionId, signedIn.account) : false
    // How the reader's newest checkout for it ended: the page says so when one expired.
    const checkout =
      signedIn && ticket
        ? ((await lastCheckout(db.kysely, ticket.sessionId, signedIn.account.id)) ?? null)
        : null
    return { payments: billing.configured, ticket, held, checkout }
  })

  api.post('/sessions/:id/checkout', accountRoute, async (request) => {
    billing.stripe()
    const { id } = pathIds(request, 'id')
    const { account } = await requireAccount(request, services)
    const { currency } = parse(CheckoutBody, request.body ?? {})
    const url = await billing.checkout({
      sessionId: id,
      account,
      currency,
      baseUrl: services.publicUrl(request),
    })
    return { url }
  })

  // Whether the host and presenters may go on the video stage: the owner's plan decides
  // (the signaling server refuses a stage peer the same way). 403 names the plan that lifts it.
  api.get('/sessions/:id/video-stage', async (request) => {
    const { session } = await sessionFor(request, services, ['host', 'presenter', 'moderator'])
    const refusal = await billing.stageRefusal(session.id)
    if (refusal !== null) throw HttpProblem.forbidden(refusal)
    return { allowed: true }
  })

  api.post('/sessions/:id/tickets', async (request, reply) => {
    billing.stripe()
    const { session, claims } = await sessionFor(request, services, ['host'])
    const { email } = parse(CompTicketBody, request.body)
    if (!(await billing.offers.isPaid(session.id)))
      throw HttpProblem.conflict('This session is free: everyone can join it without a ticket.')
    const made = await billing.comp(session.id, email)
    await auditApi(services, claims, 'comp-ticket', made.id, email)
    return reply.code(made.created ? 201 : 200).send({ id: made.id, email: email.toLowerCase() })
  })

  api.get('/sessions/:id/tickets', async (request) => {
    billing.stripe()
    const { session } = await sessionFor(request, services, ['host'])
    const tickets = await db.kysely
      .selectFrom('tickets')
      .select([
        'id',
        'email',
        'kind',
        'status',
        'amount',
        'currency',
        'amount_refunded',
        'revoked_reason',
        'created_at',
      ])
      .where('session_id', '=', session.id)
      .orderBy('created_at')
      .execute()
    const refunds = await db.kysely
      .selectFrom('ticket_refunds')
      .innerJoin('tickets', 'tickets.id', 'ticket_refunds.ticket_id')
      .select([
        'ticket_refunds.id as id',
        'ticket_refunds.ticket_id as ticketId',
        'ticket_refunds.amount as amount',
        'ticket_refunds.currency as currency',
        'ticket_refunds.status as status',
        'ticket_refunds.failure as failure',
        'ticket_refunds.created_at as createdAt',
      ])
      .where('tickets.session_id', '=', session.id)
      .orderBy('ticket_refunds.created_at')
      .execute()
    return {
      tickets: tickets.map((t) => ({
        id: t.id,
        email: t.email,
        kind: t.kind,
        status: t.status,
        amount: Number(t.amount),
        currency: t.currency,
        amountRefunded: Number(t.amount_refunded),
        revokedReason: t.revoked_reason,
        createdAt: Number(t.created_at),
      })),
      refunds: refunds.map((r) => ({
        ...r,
        amount: Number(r.amount),
        createdAt: Number(r.createdAt),
      })),
    }
  })

  api.post('/sessions/:id/tickets/:ticketId/refund', async (request, reply) => {
    billing.stripe()
    const { session, claims } = await sessionFor(request, services, ['host'])
    const { ticketId } = pathIds(request, 'id', 'ticketId')
    const body = parse(RefundBody, request.body ?? {})
    const refund = await billing.refund({
      sessionId: session.id,
      ticketId,
      amount: body.amount,
      revoke: body.revoke ?? true,
    })
    await auditApi(
      services,
      claims,
      'refund-ticket',
      ticketId,
      `${refund.amount} ${refund.currency}`,
    )
    return reply.code(202).send({ refund })
  })

  api.get('/sessions/:id/sales', async (request) => {
    billing.stripe()
    const { session } = await sessionFor(request, services, ['host'])
    return salesReport(db, { sessionId: session.id })
  })

  api.get('/sessions/:id/sales.csv', async (request, reply) => {
    billing.stripe()
    const { session } = await sessionFor(request, services, ['host'])
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="sales-${session.code}.csv"`)
      .send(await salesCsv(db, { sessionId: session.id }))
  })
}
