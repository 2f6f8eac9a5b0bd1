import { type CreateSessionResponse, documentName, newId } from '@podium/shared'
import { signToken } from '@podium/shared/token'
import { appendAudit } from '../audit/log.ts'
import { ACCESS_TOKEN_TTL } from '../auth/token-ttl.ts'
import type { Services } from '../services.ts'
import { insertWithFreshCode } from '../sessions/codes.ts'
import { insertSessionRows } from '../sessions/create.ts'
import { hostLinkUrl, issueHostLink } from '../sessions/host-links.ts'
import { type BuiltImport, IMPORTED_REACTIONS } from './build-import.ts'
import type { ImportUpload } from './import-thread.ts'

/**
 * Creates a new session from an export (the request's body, on the import thread): new
 * session, host and content ids and a new join code; title, description, settings,
 * agenda, stage, labels, questions, replies, the moderators' data (raised hands too), the
 * reactions (their windows and totals) and the audit log restored. It starts as a draft with a stopped timer. The export is parsed, checked and made into documents on the import
 * thread; here its rows are written and its documents stored as they are (nobody can
 * have a session open that did not exist).
 *
 * Vote counts come back as imported tallies (the `imported_votes` table), which the
 * ingest adds live votes to, so a count never drops when the session is loaded again.
 */
export async function importSession(
  services: Services,
  upload: ImportUpload,
): Promise<CreateSessionResponse> {
  const { db, config, store } = services
  const id = newId()
  const hostUserId = newId()
  const now = Date.now()

  let built: BuiltImport | undefined
  let hostLinkToken = ''
  const code = await insertWithFreshCode(services, async (code) => {
    // Made again for another code: the code is in the public document.
    built = await upload.build({ hostUserId, code, now })
    const { title, settings, tallies, reactionWindows } = built
    await db.kysely.transaction().execute(async (trx) => {
      await insertSessionRows(trx, { id, code, title, hostUserId, hostName: null, settings, now })
      hostLinkToken = await issueHostLink(trx, id, now)
      for (let i = 0; i < tallies.length; i += 300) {
        await trx
          .insertInto('imported_votes')
          .values(
            tallies
              .slice(i, i + 300)
              .map(([question_id, votes]) => ({ session_id: id, question_id, votes })),
          )
          .execute()
      }
      for (let i = 0; i < reactionWindows.length; i += 300) {
        await trx
          .insertInto('reaction_windows')
          .values(
            reactionWindows.slice(i, i + 300).map((w) => ({
              session_id: id,
              second: w.second,
              instance_id: IMPORTED_REACTIONS,
              counts: JSON.stringify(w.counts),
              total: w.total,
            })),
          )
          .execute()
      }
    })
  })

  if (!built) throw new Error('the import was not built')
  const { publicUpdates, modUpdates, audit } = built
  try {
    // Tallies are stored first: loading the public document makes the ingest count votes.
    // One row per update, each a short write (see BATCH in build-import.ts).
    for (const update of publicUpdates) await store.append(documentName.public(id), update)
    for (const update of modUpdates) await store.append(documentName.mod(id), update)
    await appendAudit(db, id, audit)
  } catch (error) {
    // Leave no half-made session behind.
    await db.kysely.deleteFrom('imported_votes').where('session_id', '=', id).execute()
    await db.kysely.deleteFrom('reaction_windows').where('session_id', '=', id).execute()
    await db.kysely.deleteFrom('audit_log').where('session_id', '=', id).execute()
    await db.kysely.deleteFrom('host_links').where('session_id', '=', id).execute()
    await db.kysely.deleteFrom('users').where('session_id', '=', id).execute()
    await db.kysely.deleteFrom('sessions').where('id', '=', id).execute()
    await store.remove(documentName.public(id))
    await store.remove(documentName.mod(id))
    throw error
  }

  const hostToken = await signToken(
    config.tokenSecret,
    { typ: 'access', sub: hostUserId, sid: id, role: 'host', name: null },
    ACCESS_TOKEN_TTL,
  )
  const publicUrl = services.publicUrl()
  return {
    id,
    code,
    hostToken,
    hostUserId,
    joinUrl: `${publicUrl}/j/${code}`,
    hostLink: hostLinkUrl(publicUrl, hostLinkToken),
  }
}
