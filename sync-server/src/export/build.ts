import {
  documentName,
  EXPORT_FORMAT,
  EXPORT_VERSION,
  ExportLimits,
  ModDoc,
  PublicDoc,
  type SessionExport,
} from '@podium/shared'
import * as Y from 'yjs'
import { readAudit } from '../audit/log.ts'
import type { Db } from '../db/connect.ts'
import { pollsExport } from '../polls/export.ts'
import type { ServerDocs } from '../sync/server-docs.ts'

/**
 * The whole session as the export format: the public snapshot, the moderators' data and
 * the audit log (from the server's table; the moderators' document's old `audit` array is
 * not exported, since any staff member could have rewritten it).
 */
export async function buildExport(
  { docs, db }: { docs: ServerDocs; db: Db },
  sessionId: string,
): Promise<SessionExport> {
  const snapshot = await docs.read(documentName.public(sessionId), (doc) =>
    new PublicDoc(doc).snapshot(),
  )
  const mod = await docs.read(documentName.mod(sessionId), (doc) => {
    const m = new ModDoc(doc)
    return { queue: m.queue(), rejected: m.rejected(), notes: m.notes() }
  })
  const audit = await readAudit(db, sessionId, ExportLimits.audit)
  const polls = await pollsExport({ docs, db }, sessionId)
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: Date.now(),
    public: snapshot,
    mod: { ...mod, audit },
    polls,
  }
}

/**
 * The public document's full Yjs state, loadable with Y.applyUpdate. A document written
 * before nameless entries left their author ids out still stores them: they are taken out
 * first (a change everyone gets), so the state holds none.
 */
export async function publicState(docs: ServerDocs, sessionId: string): Promise<Uint8Array> {
  return docs.change(documentName.public(sessionId), (doc) => {
    new PublicDoc(doc).forgetNamelessAuthors()
    return Y.encodeStateAsUpdate(doc)
  })
}
