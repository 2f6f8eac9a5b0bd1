import type { FastifyInstance } from 'fastify'
import type { Services } from '../services.ts'
import { openRoute } from './access.ts'

/** The largest event body taken (Stripe's are a few kilobytes). */
const WEBHOOK_MAX_BYTES = 512 * 1024

/**
 * POST /api/stripe/webhook: Stripe's events. The body is kept raw (the signature covers
 * its bytes), verified, stored by event id and answered at once; the durable queue
 * handles it (billing/webhooks.ts).
 */
export async function stripeWebhookRoutes(api: FastifyInstance, services: Services) {
  await api.register(async (scope) => {
    scope.removeContentTypeParser('application/json')
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
      done(null, body),
    )
    scope.post(
      '/stripe/webhook',
      { ...openRoute, bodyLimit: WEBHOOK_MAX_BYTES },
      async (request, reply) => {
        services.billing.stripe()
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0)
        const signature = request.headers['stripe-signature']
        const stored = await services.billing.receive(
          body,
          typeof signature === 'string' ? signature : undefined,
        )
        return reply.code(200).send({
          received: true,
          id: stored.id,
          duplicate: stored.duplicate,
          handled: stored.handled,
        })
      },
    )
  })
}
