import { documentName, PublicDoc, type SessionStatus, SessionStatusSchema } from '@podium/shared'
import type { Services } from '../services.ts'

/**
 * A session's status as its public document carries it (staff may change it there
 * directly), else as its row says; undefined for a session that does not exist.
 */
export async function sessionStatus(
  services: Pick<Services, 'db' | 'docs'>,
  sessionId: string,
): Promise<SessionStatus | undefined> {
  const row = await services.db.kysely
    .selectFrom('sessions')
    .select('status')
    .where('id', '=', sessionId)
    .executeTakeFirst()
  if (!row) return undefined
  const live = await services.docs.read(documentName.public(sessionId), (doc) => {
    const pub = new PublicDoc(doc)
    return pub.ready ? pub.meta().status : null
  })
  return live ?? SessionStatusSchema.parse(row.status)
}
