import {
  documentName,
  PublicDoc,
  type SessionInfo,
  type SessionSettings,
  SettingsPatch,
  StatusBody,
} from '@podium/shared'
import type { FastifyInstance } from 'fastify'
import { EventLog } from '../events/log.ts'
import { EventType } from '../events/types.ts'
import { parse } from '../http/validate.ts'
import type { Services } from '../services.ts'
import { duplicateSession } from '../sessions/duplicate.ts'
import { removeSession } from '../sessions/remove.ts'
import { auditApi } from './audit.ts'
import { scheduleOf } from './schedule.ts'
import { noBody, sessionFor } from './session-access.ts'
import { createdResponse } from './sessions.ts'

/**
 * A session's details for anyone in it, and the host's controls: settings, status,
 * duplicating it into a new draft, and deleting it.
 * The public document carries the live copy (staff may change it directly); the sessions
 * row is kept in step for what is read without loading the document.
 */
export async function sessionControlRoutes(api: FastifyInstance, services: Services) {
  const { db, docs } = services

  api.get('/sessions/:id', async (request): Promise<SessionInfo> => {
    const { session } = await sessionFor(request, services, [
      'host',
      'moderator',
      'presenter',
      'attendee',
    ])
    const live = await docs.read(documentName.public(session.id), (doc) => {
      const pub = new PublicDoc(doc)
      return pub.ready ? { meta: pub.meta(), settings: pub.settings() } : null
    })
    return {
      id: session.id,
      code: session.code,
      title: live?.meta.title ?? session.title,
      status: live?.meta.status ?? (session.status as SessionInfo['status']),
      settings: {
        ...(live?.settings ?? session.settings),
        ...(services.billing.configured
          ? { ticket: await services.billing.ticketSettings(session.id) }
          : {}),
      },
      joinUrl: `${services.publicUrl(request)}/j/${session.code}`,
      schedule: scheduleOf(session),
    }
  })

  api.patch('/sessions/:id/settings', async (request) => {
    const { session, claims } = await sessionFor(request, services, ['host'])
    const { ticket, ...patch } = parse(SettingsPatch, request.body)
    // The price is the server's: checked against the plan and kept outside the document.
    if (ticket !== undefined) await services.billing.setTicket(session.id, ticket)
    const settings: SessionSettings = await docs.change(documentName.public(session.id), (doc) => {
      const pub = new PublicDoc(doc)
      pub.setSettings(patch)
      return pub.settings()
    })
    await db.kysely
      .updateTable('sessions')
      .set({ settings: JSON.stringify(settings), updated_at: Date.now() })
      .where('id', '=', session.id)
      .execute()
    await auditApi(services, claims, 'change-settings')
    if (!services.billing.configured) return settings
    return { ...settings, ticket: await services.billing.ticketSettings(session.id) }
  })

  api.post('/sessions/:id/status', async (request) => {
    const { session, claims } = await sessionFor(request, services, ['host'])
    const { status } = parse(StatusBody, request.body)
    await docs.change(documentName.public(session.id), (doc) =>
      new PublicDoc(doc).setMeta({ status }),
    )
    const at = services.clock()
    await db.kysely.transaction().execute(async (trx) => {
      await trx
        .updateTable('sessions')
        .set({ status, updated_at: at })
        .where('id', '=', session.id)
        .execute()
      await new EventLog(db).append(trx, [
        { type: EventType.sessionStatusChanged, sessionId: session.id, at, status, by: claims.sub },
      ])
    })
    services.events.committed()
    await auditApi(services, claims, `status-${status}`)
    return { status }
  })

  api.post('/sessions/:id/duplicate', async (request, reply) => {
    noBody(request)
    const { session, claims } = await sessionFor(request, services, ['host'])
    const created = await duplicateSession(services, session.id, claims)
    return reply.code(201).send(createdResponse(created, services.publicUrl(request)))
  })

  api.delete('/sessions/:id', async (request, reply) => {
    noBody(request)
    const { session } = await sessionFor(request, services, ['host'])
    await removeSession(services, session.id)
    return reply.code(204).send()
  })
}
