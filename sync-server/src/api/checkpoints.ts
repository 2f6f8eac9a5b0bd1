import {
  CheckpointReason,
  type CheckpointSummary,
  documentName,
  PublicDoc,
  PublicPolls,
  type RestoreResponse,
} from '@podium/shared'
import type { FastifyInstance } from 'fastify'
import * as Y from 'yjs'
import { CheckpointStore } from '../history/checkpoints.ts'
import { restoreSnapshot } from '../history/restore.ts'
import { HttpProblem } from '../http/problem.ts'
import { IngestRepository } from '../ingest/repository.ts'
import type { Services } from '../services.ts'
import { auditApi } from './audit.ts'
import { noBody, pathIds, sessionFor } from './session-access.ts'

/** Listing checkpoints, taking one by hand, and restoring one as a new change. */
export async function checkpointRoutes(api: FastifyInstance, services: Services) {
  const { db, docs } = services
  const checkpoints = new CheckpointStore(db)
  const votes = new IngestRepository(db)

  api.get('/sessions/:id/checkpoints', async (request): Promise<CheckpointSummary[]> => {
    const { session } = await sessionFor(request, services, ['host', 'moderator'])
    return checkpoints.list(session.id)
  })

  api.post('/sessions/:id/checkpoints', async (request, reply) => {
    const { session } = await sessionFor(request, services, ['host'])
    noBody(request)
    const state = await docs.read(documentName.public(session.id), (doc) =>
      Y.encodeStateAsUpdate(doc),
    )
    return reply.code(201).send(await checkpoints.add(session.id, state, CheckpointReason.manual))
  })

  api.post(
    '/sessions/:id/checkpoints/:checkpointId/restore',
    async (request): Promise<RestoreResponse> => {
      const { session, claims } = await sessionFor(request, services, ['host'])
      const { checkpointId } = pathIds(request, 'id', 'checkpointId')
      noBody(request)
      const old = await checkpoints.load(session.id, checkpointId)
      if (!old) throw HttpProblem.notFound(`This session has no checkpoint ${checkpointId}.`)
      const target = new PublicDoc(old).snapshot()
      const polls = new PublicPolls(old).polls()
      old.destroy()

      const name = documentName.public(session.id)
      const current = await docs.read(name, (doc) => Y.encodeStateAsUpdate(doc))
      const before = await checkpoints.add(session.id, current, CheckpointReason.beforeRestore)
      const counts = await votes.voteCounts(session.id)
      const restored = await docs.change(name, (doc) => {
        const pub = new PublicDoc(doc)
        restoreSnapshot(pub, target, (id) => counts.get(id) ?? 0, polls)
        return { title: pub.meta().title, settings: pub.settings() }
      })
      await db.kysely
        .updateTable('sessions')
        .set({
          title: restored.title,
          settings: JSON.stringify(restored.settings),
          updated_at: Date.now(),
        })
        .where('id', '=', session.id)
        .execute()
      await auditApi(services, claims, 'restore-checkpoint', checkpointId)
      return { restored: checkpointId, before }
    },
  )
}
