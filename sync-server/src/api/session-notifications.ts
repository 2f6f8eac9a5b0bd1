import type { FastifyInstance } from 'fastify'
import { EventStreams } from '../http/event-stream.ts'
import { HttpProblem } from '../http/problem.ts'
import { NotificationLogWatch } from '../notifications/log-watch.ts'
import type { Services } from '../services.ts'
import { auditApi } from './audit.ts'
import { noBody, pathIds, sessionFor } from './session-access.ts'

/** Rows a host's view lists, newest first. */
const PAGE = 500

/** Hides most of an address: a host sees that a mail went, not to whom exactly. */
function masked(row: { email: string | null; phone: string | null; channel: string }): string {
  if (row.email) {
    const [name = '', domain = ''] = row.email.split('@')
    return `${name.slice(0, 1)}…@${domain}`
  }
  if (row.phone) return `…${row.phone.slice(-3)}`
  return row.channel === 'push' ? 'a browser' : 'someone'
}

/** The host's view of what the session sent, what failed and what died, with retry. */
export async function sessionNotificationRoutes(api: FastifyInstance, services: Services) {
  const { db, notifications } = services

  api.get('/sessions/:id/notifications', async (request) => {
    const { session } = await sessionFor(request, services, ['host'])
    const rows = await db.kysely
      .selectFrom('notifications')
      .select([
        'id',
        'kind',
        'channel',
        'email',
        'phone',
        'status',
        'attempts',
        'last_error',
        'created_at',
        'sent_at',
        'next_attempt_at',
      ])
      .where('session_id', '=', session.id)
      .orderBy('created_at', 'desc')
      .limit(PAGE)
      .execute()
    return {
      notifications: rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        channel: r.channel,
        to: masked(r),
        status: r.status,
        attempts: r.attempts,
        lastError: r.last_error,
        createdAt: Number(r.created_at),
        sentAt: r.sent_at === null ? null : Number(r.sent_at),
        nextAttemptAt: r.status === 'failed' ? Number(r.next_attempt_at) : null,
      })),
    }
  })

  // The host's log stays current: a stream that says when the session's rows changed.
  const watch = new NotificationLogWatch(db, services.log.child({ component: 'notification-log' }))
  const streams = new EventStreams(api)
  api.addHook('preClose', async () => watch.close())

  api.get('/sessions/:id/notifications/live', async (request, reply) => {
    const { session } = await sessionFor(request, services, ['host'])
    let version = 0
    streams.serve(request, reply, (send) =>
      watch.watch(session.id, () => send('changed', { version: ++version })),
    )
  })

  api.post('/sessions/:id/notifications/:notificationId/retry', async (request) => {
    noBody(request)
    const { session, claims } = await sessionFor(request, services, ['host'])
    const { notificationId } = pathIds(request, 'id', 'notificationId')
    const row = await db.kysely
      .selectFrom('notifications')
      .select(['id', 'status'])
      .where('id', '=', notificationId)
      .where('session_id', '=', session.id)
      .executeTakeFirst()
    if (!row) throw HttpProblem.notFound(`This session sent no notification ${notificationId}.`)
    if (!(await notifications.queue.retry(row.id)))
      throw HttpProblem.conflict(
        `This notification is ${row.status}; only a failed or dead one can be tried again.`,
      )
    notifications.worker.kick()
    await auditApi(services, claims, 'retry-notification', row.id)
    return { id: row.id, status: 'queued' }
  })
}
