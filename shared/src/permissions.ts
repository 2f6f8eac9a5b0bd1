import { z } from 'zod'
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

/**
 * Who may change a part of a document the table above lets every staff role write:
 * `staff` (any role with write access), `host`, or `server` (no client connection at all;
 * the server's own writes: the ingest, API routes, imports).
 */
export const Writer = { staff: 'staff', host: 'host', server: 'server' } as const
export type Writer = (typeof Writer)[keyof typeof Writer]

/**
 * The parts of the public and moderators' documents that not every staff role may change,
 * as path patterns: the root map, then keys below it, `*` for any one key. The most
 * specific pattern that matches wins; a path no pattern matches is open to `staff`.
 * Only map entries are guarded (arrays such as the agenda are open to staff). A staff
 * connection that changes a path its role may not have its change undone by the server
 * (see docs/permissions.md, "Fields").
 */
export const FIELD_WRITERS: Readonly<
  Record<Exclude<DocumentKind, 'outbox'>, ReadonlyArray<readonly [pattern: string, writer: Writer]>>
> = {
  public: [
    // Status, title and description: the host (POST /status is host-only too).
    ['meta.*', Writer.host],
    // The join code and creation time are the sessions row's; only the server writes them.
    ['meta.code', Writer.server],
    ['meta.createdAt', Writer.server],
    // PATCH /settings is host-only.
    ['settings.*', Writer.host],
    // The participant count, per server instance.
    ['presence.*', Writer.server],
    // Staff ask with `stage.timerCommand`; the server stamps the timer with its clock.
    ['stage.timer', Writer.server],
    // A question's vote count comes from the votes table.
    ['questions.*.votes', Writer.server],
    // Reaction counts, one entry per server instance, written once per window.
    ['reactions.*', Writer.server],
    // Who was called on last (the hands API writes it).
    ['calledOn.*', Writer.server],
    // Poll results and quiz leaderboards come from the poll_answers table.
    ['pollResults.*', Writer.server],
    ['leaderboards.*', Writer.server],
    // Whether the stage is being recorded: set when Janus records (the recordings API).
    ['recording.*', Writer.server],
  ],
  mod: [
    // Who is in the room, kept from the server's connections.
    ['attendees.*', Writer.server],
    // Rejected items are written when the server carries out a moderator's decision.
    ['rejected.*', Writer.server],
    // The staff's y-webrtc room, set by the server whenever the staff list changes.
    ['peer.*', Writer.server],
    // Raised hands: the ingest keeps the queue from outboxes; "call on" goes through the API.
    ['hands.*', Writer.server],
    // Poll results as staff see them live (the public document's are written less often).
    ['pollResults.*', Writer.server],
  ],
}

function patternMatches(pattern: readonly string[], path: readonly string[]): boolean {
  return pattern.length === path.length && pattern.every((p, i) => p === '*' || p === path[i])
}

/** How specific a pattern is: named keys count, each position more than all later ones. */
function specificity(pattern: readonly string[]): number {
  return pattern.reduce((n, p, i) => n + (p === '*' ? 0 : 2 ** (pattern.length - i)), 0)
}

const PARSED_WRITERS = Object.fromEntries(
  Object.entries(FIELD_WRITERS).map(([kind, rules]) => [
    kind,
    rules
      .map(([pattern, writer]) => ({ pattern: pattern.split('.'), writer }))
      .sort((a, b) => specificity(b.pattern) - specificity(a.pattern)),
  ]),
) as Record<keyof typeof FIELD_WRITERS, Array<{ pattern: string[]; writer: Writer }>>

/** Who may change `path` (root map first) in a shared document. */
export function writerOf(kind: keyof typeof FIELD_WRITERS, path: readonly string[]): Writer {
  return PARSED_WRITERS[kind].find((rule) => patternMatches(rule.pattern, path))?.writer ?? 'staff'
}

/** Whether a client connection with `role` may change `path`; the server may change anything. */
export function mayWriteField(
  role: Role,
  kind: keyof typeof FIELD_WRITERS,
  path: readonly string[],
): boolean {
  const writer = writerOf(kind, path)
  switch (writer) {
    case Writer.staff:
      return PERMISSION_TABLE[kind][role] === Access.write
    case Writer.host:
      return role === 'host'
    case Writer.server:
      return false
    default: {
      const unknown: never = writer
      throw new Error(`unknown writer ${String(unknown)}`)
    }
  }
}

/**
 * What the server sends a staff connection (as a Hocuspocus stateless message) when it
 * undid part of what that connection wrote: the paths, and a sentence to show.
 */
export const WriteRefused = z.object({
  type: z.literal('write-refused'),
  document: z.string(),
  paths: z.array(z.string()),
  message: z.string(),
})
export type WriteRefused = z.infer<typeof WriteRefused>
