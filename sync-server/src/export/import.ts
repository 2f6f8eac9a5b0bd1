import {
  type CreateSessionResponse,
  documentName,
  ModDoc,
  newId,
  PublicDoc,
  type SessionExport,
  STOPPED_TIMER,
} from '@podium/shared'
import { signToken } from '@podium/shared/token'
import { ACCESS_TOKEN_TTL, insertWithFreshCode } from '../api/sessions.ts'
import { appendAudit } from '../audit/log.ts'
import type { Services } from '../services.ts'
import { remapIds } from './remap.ts'

/**
 * Creates a new session from an export: new session, host and content ids and a new
 * join code; title, description, settings, agenda, stage, labels, questions, replies and
 * the moderators' data restored. It starts as a draft with a stopped timer.
 *
 * Vote counts come back as imported tallies (the `imported_votes` table), which the
 * ingest adds live votes to, so a count never drops when the session is loaded again.
 */
export async function importSession(
  services: Services,
  source: SessionExport,
): Promise<CreateSessionResponse> {
  const { db, config, docs } = services
  const data = remapIds(source)
  const id = newId()
  const hostUserId = newId()
  const now = Date.now()
  const { meta, settings } = data.public
  const tallies = data.public.questions
    .filter((q) => q.votes > 0)
    .map((q) => ({ session_id: id, question_id: q.id, votes: q.votes }))

  const code = await insertWithFreshCode(services, (code) =>
    db.kysely.transaction().execute(async (trx) => {
      await trx
        .insertInto('sessions')
        .values({
          id,
          code,
          title: meta.title,
          host_user_id: hostUserId,
          status: 'draft',
          settings: JSON.stringify(settings),
          created_at: now,
          updated_at: now,
        })
        .execute()
      await trx
        .insertInto('users')
        .values({ id: hostUserId, session_id: id, name: null, role: 'host', created_at: now })
        .execute()
      for (let i = 0; i < tallies.length; i += 300) {
        await trx
          .insertInto('imported_votes')
          .values(tallies.slice(i, i + 300))
          .execute()
      }
    }),
  )

  try {
    // Tallies are stored first: loading the public document makes the ingest count votes.
    await docs.change(documentName.public(id), (doc) => {
      const pub = new PublicDoc(doc)
      pub.setMeta({
        title: meta.title,
        description: meta.description,
        status: 'draft',
        code,
        createdAt: now,
      })
      pub.setSettings(settings)
      pub.setAgenda(data.public.agenda)
      pub.setStage({
        currentItemId: data.public.stage.currentItemId,
        spotlightQuestionId: data.public.stage.spotlightQuestionId,
        timer: { ...STOPPED_TIMER, durationMs: data.public.stage.timer.durationMs },
      })
      for (const label of data.public.labels) pub.putLabel(label)
      for (const question of data.public.questions) pub.putQuestion(question)
      for (const reply of data.public.replies) pub.putReply(reply)
    })
    await docs.change(documentName.mod(id), (doc) => {
      const mod = new ModDoc(doc)
      for (const item of data.mod.queue) mod.enqueue(item)
      for (const item of data.mod.rejected) mod.putRejected(item)
      for (const [questionId, text] of Object.entries(data.mod.notes)) mod.setNote(questionId, text)
    })
    await appendAudit(db, id, [
      ...data.mod.audit,
      {
        at: now,
        actorId: hostUserId,
        actorName: null,
        actorRole: 'host',
        action: 'import-session',
        targetId: null,
        detail: `Imported from an export made ${new Date(source.exportedAt).toISOString()}.`,
      },
    ])
  } catch (error) {
    // Leave no half-made session behind.
    await db.kysely.deleteFrom('imported_votes').where('session_id', '=', id).execute()
    await db.kysely.deleteFrom('audit_log').where('session_id', '=', id).execute()
    await db.kysely.deleteFrom('sessions').where('id', '=', id).execute()
    await services.store.remove(documentName.public(id))
    await services.store.remove(documentName.mod(id))
    throw error
  }

  const hostToken = await signToken(
    config.tokenSecret,
    { typ: 'access', sub: hostUserId, sid: id, role: 'host', name: null },
    ACCESS_TOKEN_TTL,
  )
  return { id, code, hostToken, hostUserId, joinUrl: `${services.publicUrl()}/j/${code}` }
}
