import { type AuditEntry, ROLES, type Role } from '@podium/shared'
import type { Db } from '../db/connect.ts'
import type { AuditLogTable } from '../db/schema.ts'

/**
 * The audit log: one `audit_log` row per thing staff did, written by the server from what
 * it saw each authenticated connection change (through the ingest's batch) and from API
 * calls (with the token's user). No client writes it; staff read it (GET
 * /api/sessions/:id/audit, the export).
 */

/** Rows per insert statement (eight parameters each). */
export const AUDIT_INSERT_CHUNK = 200

export function auditRows(
  sessionId: string,
  entries: readonly AuditEntry[],
): Array<Omit<AuditLogTable, 'id'>> {
  return entries.map((e) => ({
    session_id: sessionId,
    at: e.at,
    actor_id: e.actorId,
    actor_name: e.actorName,
    actor_role: e.actorRole ?? null,
    action: e.action,
    target_id: e.targetId,
    detail: e.detail ?? null,
  }))
}

export async function appendAudit(
  db: Db,
  sessionId: string,
  entries: readonly AuditEntry[],
): Promise<void> {
  // In chunks: a database takes only so many parameters in one statement.
  for (let i = 0; i < entries.length; i += AUDIT_INSERT_CHUNK) {
    const chunk = entries.slice(i, i + AUDIT_INSERT_CHUNK)
    await db.kysely.insertInto('audit_log').values(auditRows(sessionId, chunk)).execute()
  }
}

const asRole = (value: string | null): Role | null =>
  (ROLES as readonly string[]).includes(value ?? '') ? (value as Role) : null

/** A session's audit log, oldest first; `limit` keeps the newest that many. */
export async function readAudit(db: Db, sessionId: string, limit?: number): Promise<AuditEntry[]> {
  let query = db.kysely
    .selectFrom('audit_log')
    .selectAll()
    .where('session_id', '=', sessionId)
    .orderBy('id', 'desc')
  if (limit !== undefined) query = query.limit(limit)
  const rows = await query.execute()
  return rows.reverse().map((r) => ({
    at: Number(r.at),
    actorId: r.actor_id,
    actorName: r.actor_name,
    actorRole: asRole(r.actor_role),
    action: r.action,
    targetId: r.target_id,
    ...(r.detail !== null ? { detail: r.detail } : {}),
  }))
}
