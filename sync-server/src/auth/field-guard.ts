import type {
  afterLoadDocumentPayload,
  afterUnloadDocumentPayload,
  Document,
  Extension,
} from '@hocuspocus/server'
import {
  type AuditEntry,
  mayWriteField,
  parseDocumentName,
  type WriteRefused,
} from '@podium/shared'
import type { Logger } from 'pino'
import type * as Y from 'yjs'
import { describeStaffChanges } from '../audit/describe.ts'
import { type ConnectionContext, isConnectionContext, SERVER_ORIGIN } from '../sync/context.ts'
import { readChanges, undoChanges } from './field-changes.ts'

/** The connection a transaction came from, and its context, if a client's did. */
function clientOrigin(
  origin: unknown,
): { context: ConnectionContext; send(payload: string): void } | null {
  if (typeof origin !== 'object' || origin === null) return null
  const o = origin as {
    source?: string
    connection?: { context?: unknown; sendStateless?(payload: string): void }
  }
  if (o.source !== 'connection' || !o.connection) return null
  const { connection } = o
  if (!isConnectionContext(connection.context)) return null
  return {
    context: connection.context,
    send: (payload) => connection.sendStateless?.(payload),
  }
}

export interface FieldGuardOptions {
  log: Logger
  /** Audit entries for what a staff connection changed (and what was undone), per session. */
  record(sessionId: string, entries: AuditEntry[]): void
  /** The time audit entries are stamped with (Date.now unless told). */
  clock?: () => number
}

/**
 * FieldGuard: the parts of the public and moderators' documents that the permission table
 * gives to the host or to the server only (FIELD_WRITERS) are held to it on document
 * writes too, not only on API routes.
 *
 * Each transaction a client connection makes is read entry by entry once it is applied;
 * entries the connection's role may not change are put back in a server transaction at
 * once, the connection is told (a `write-refused` stateless message), and the audit log
 * records the attempt. Undoing rather than dropping the update is what holds with Yjs: the
 * client has applied its change locally, so a dropped update comes back with its next sync
 * (and every later update of that client would wait on it); an undone one is part of
 * the document's history, and the server's later write wins on every replica, the writer's
 * included. Both transactions leave in the same broadcast flush, so other clients never
 * see the refused value.
 */
export class FieldGuard implements Extension {
  // After Auth (which sets the context), before Persistence and Ingest listen.
  priority = 950
  extensionName = 'podium-field-guard'
  private readonly detach = new Map<string, { document: Document; off: () => void }>()

  constructor(private readonly options: FieldGuardOptions) {}

  async afterLoadDocument({ documentName, document }: afterLoadDocumentPayload): Promise<void> {
    const address = parseDocumentName(documentName)
    if (!address || address.kind === 'outbox') return
    const kind = address.kind
    const onTransaction = (tr: Y.Transaction) => {
      const client = clientOrigin(tr.origin)
      if (!client || tr.changed.size === 0) return
      const { fields, lists } = readChanges(tr)
      const role = client.context.principal.role
      const refused = fields.filter((change) => !mayWriteField(role, kind, change.path))
      const applied = fields.filter((change) => !refused.includes(change))
      if (refused.length > 0) {
        undoChanges(document, refused, SERVER_ORIGIN)
        const paths = [...new Set(refused.map((c) => (c.created ?? c.path).join('.')))]
        this.options.log.warn(
          { document: documentName, userId: client.context.principal.userId, role, paths },
          'undid a change the role may not make',
        )
        const notice: WriteRefused = {
          type: 'write-refused',
          document: documentName,
          paths,
          message: `Your ${role} role may not change ${paths.join(', ')}; the server put back what was there.`,
        }
        client.send(JSON.stringify(notice))
      }
      const entries = describeStaffChanges(
        { applied, lists, refused },
        client.context,
        kind === 'public',
        (this.options.clock ?? Date.now)(),
      )
      if (entries.length > 0) this.options.record(address.sessionId, entries)
    }
    document.on('afterTransaction', onTransaction)
    this.detach.set(documentName, {
      document,
      off: () => document.off('afterTransaction', onTransaction),
    })
  }

  async afterUnloadDocument({ documentName }: afterUnloadDocumentPayload): Promise<void> {
    const attached = this.detach.get(documentName)
    // A copy loaded again meanwhile has its own listener: leave it in place.
    if (!attached?.document.isDestroyed) return
    attached.off()
    this.detach.delete(documentName)
  }
}
