import { CloseCode, documentName, parseDocumentName } from '@podium/shared'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import { removeFolder, sessionFolder } from '../recordings/files.ts'
import type { Services } from '../services.ts'
import { isConnectionContext } from '../sync/context.ts'

/** Tables that hold rows of one session, by its `session_id`. */
const SESSION_TABLES = [
  'votes',
  'vote_versions',
  'poll_answers',
  'reaction_windows',
  'ingested',
  'imported_votes',
  'checkpoints',
  'invites',
  'host_links',
  'audit_log',
  'domain_events',
  'users',
  // A deleted session sells nothing more; its tickets and refunds stay for the accounts.
  'ticket_offers',
  'ticket_reservations',
  'recordings',
] as const

/** How long the deletion waits for the session's open documents to be let go of. */
const UNLOAD_WAIT_MS = 5_000

/**
 * Deletes a session for good: its row first (so nobody can connect to it any more), then
 * every row of it and its documents (public, moderators', each participant's outbox) and
 * checkpoints; open sockets on it are closed with `session-not-found`. Documents still
 * loaded here would store a last change as they unload: the store drops those, and once
 * they are gone (or after five seconds) their rows are deleted again, in case a write was
 * under way: `swept` settles then.
 */
export async function removeSession(
  services: Pick<Services, 'db' | 'hocuspocus' | 'sessions' | 'log' | 'store' | 'config'>,
  sessionId: string,
): Promise<{ swept: Promise<void> }> {
  const { db, hocuspocus } = services
  const users = await db.kysely
    .selectFrom('users')
    .select('id')
    .where('session_id', '=', sessionId)
    .execute()
  const names = [
    documentName.public(sessionId),
    documentName.mod(sessionId),
    ...users.map((u) => documentName.outbox(sessionId, u.id)),
  ]
  services.store.forgetSession(sessionId)
  await db.kysely.transaction().execute(async (trx) => {
    await trx.deleteFrom('sessions').where('id', '=', sessionId).execute()
    await deleteRows(trx, sessionId, names)
  })
  services.sessions.forget(sessionId)
  // Its recordings' files go with their rows.
  await removeFolder(sessionFolder(services.config.recordings.dir, sessionId))

  const sockets = new Set<{ close(code?: number, reason?: string): void }>()
  for (const document of hocuspocus.documents.values()) {
    for (const connection of document.getConnections()) {
      const context = connection.context
      if (isConnectionContext(context) && context.principal.sessionId === sessionId)
        sockets.add(connection.webSocket)
    }
  }
  for (const socket of sockets) socket.close(CloseCode.notFound, 'session-not-found')

  // Not waited for by the caller: the session is gone for everyone already.
  const swept = (async () => {
    const until = Date.now() + UNLOAD_WAIT_MS
    while (Date.now() < until && loaded(hocuspocus.documents.keys(), sessionId))
      await new Promise((resolve) => setTimeout(resolve, 50))
    await db.kysely.transaction().execute((trx) => deleteRows(trx, sessionId, names))
  })().catch((error: unknown) =>
    services.log.error({ err: error, sessionId }, 'sweeping a deleted session failed'),
  )
  return { swept }
}

async function deleteRows(trx: Kysely<Database>, sessionId: string, names: string[]) {
  for (const table of SESSION_TABLES)
    await trx.deleteFrom(table).where('session_id', '=', sessionId).execute()
  for (let i = 0; i < names.length; i += 300)
    await trx
      .deleteFrom('document_updates')
      .where('name', 'in', names.slice(i, i + 300))
      .execute()
}

function loaded(names: Iterable<string>, sessionId: string): boolean {
  for (const name of names) if (parseDocumentName(name)?.sessionId === sessionId) return true
  return false
}
