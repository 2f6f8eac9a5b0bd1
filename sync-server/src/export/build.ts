import {
  documentName,
  EXPORT_FORMAT,
  EXPORT_VERSION,
  ExportLimits,
  HandsDoc,
  ModDoc,
  PublicDoc,
  type ReactionCounts,
  type ReactionsExport,
  type SessionExport,
} from '@podium/shared'
import * as Y from 'yjs'
import { readAudit } from '../audit/log.ts'
import type { Db } from '../db/connect.ts'
import { pollsExport } from '../polls/export.ts'
import { reactionWindows } from '../reactions/repository.ts'
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
    return {
      mod: { queue: m.queue(), rejected: m.rejected(), notes: m.notes() },
      hands: new HandsDoc(doc).queue(),
    }
  })
  const audit = await readAudit(db, sessionId, ExportLimits.audit)
  const polls = await pollsExport({ docs, db }, sessionId)
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: Date.now(),
    public: snapshot,
    mod: { ...mod.mod, audit },
    polls,
    reactions: await reactionsExport(db, sessionId),
    hands: mod.hands,
  }
}

/**
 * The session's reactions from their stored windows (the table, not the document: every
 * instance's rows, and the newest day of them at most), and the totals of all of them.
 */
async function reactionsExport(db: Db, sessionId: string): Promise<ReactionsExport> {
  const all = await reactionWindows(db, sessionId)
  const totals: Record<string, number> = {}
  for (const w of all)
    for (const [id, n] of Object.entries(w.counts)) totals[id] = (totals[id] ?? 0) + (n ?? 0)
  return {
    totals: totals as ReactionCounts,
    windows: all.slice(-ExportLimits.reactionWindows),
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
