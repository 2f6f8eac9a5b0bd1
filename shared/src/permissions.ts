import type { DocumentKind } from './protocol.ts'
import { parseDocumentName } from './protocol.ts'
import type { Role } from './roles.ts'

export const Access = { none: 'none', read: 'read', write: 'write' } as const
export type Access = (typeof Access)[keyof typeof Access]

/**
 * Who may open which document (DESIGN.md, "Documents: who may write what").
 * Outbox rows are for someone else's outbox; one's own outbox is always writable.
 */
export const PERMISSION_TABLE: Readonly<Record<DocumentKind, Readonly<Record<Role, Access>>>> = {
  public: { attendee: 'read', moderator: 'write', host: 'write', presenter: 'write' },
  mod: { attendee: 'none', moderator: 'write', host: 'write', presenter: 'write' },
  outbox: { attendee: 'none', moderator: 'none', host: 'none', presenter: 'none' },
}

export interface Principal {
  userId: string
  sessionId: string
  role: Role
}

/** The one place that decides access: a principal and a document name in, an access mode out. */
export function accessFor(principal: Principal, name: string): Access {
  const address = parseDocumentName(name)
  if (!address || address.sessionId !== principal.sessionId) return Access.none
  if (address.kind === 'outbox' && address.userId === principal.userId) return Access.write
  return PERMISSION_TABLE[address.kind][principal.role]
}
