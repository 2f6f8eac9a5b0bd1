import type { Generated } from 'kysely'

/** The relational tables (documents live in `document_updates`). */
export interface Database {
  sessions: SessionsTable
  users: UsersTable
  votes: VotesTable
  ingested: IngestedTable
  document_updates: DocumentUpdatesTable
  checkpoints: CheckpointsTable
  invites: InvitesTable
  imported_votes: ImportedVotesTable
  audit_log: AuditLogTable
  domain_events: DomainEventsTable
  event_cursors: EventCursorsTable
}

export interface SessionsTable {
  id: string
  code: string
  title: string
  host_user_id: string
  status: string
  /** JSON of SessionSettings; the public document carries the live copy. */
  settings: string
  created_at: number
  updated_at: number
}

export interface UsersTable {
  id: string
  session_id: string
  name: string | null
  role: string
  created_at: number
}

/** One row per (session, question, user): a user votes at most once per question. */
export interface VotesTable {
  session_id: string
  question_id: string
  user_id: string
  created_at: number
}

/** One row per outbox entry the ingest has decided on: replays change nothing twice. */
export interface IngestedTable {
  session_id: string
  user_id: string
  entry_id: string
  seq: number
  status: string
  reason: string | null
  /** A moderator's words when rejecting, shown to the author only. */
  detail: string | null
  created_at: number
}

/** Yjs updates appended per document, compacted into one row from time to time. */
export interface DocumentUpdatesTable {
  id: Generated<number>
  name: string
  data: Uint8Array
  created_at: number
}

export interface CheckpointsTable {
  id: string
  session_id: string
  reason: string
  /** Encoded Yjs state of the public document at that moment. */
  state: Uint8Array
  created_at: number
}

export interface InvitesTable {
  id: string
  session_id: string
  role: string
  created_by: string
  expires_at: number
  revoked: number
  created_at: number
  /** The user the invite made (invites are used once); null until accepted. */
  accepted_by: string | null
  accepted_at: number | null
}

/** Vote tallies brought in by an import; live votes in `votes` are added to them. */
export interface ImportedVotesTable {
  session_id: string
  question_id: string
  votes: number
}

/** A session's audit log, written by the server only (see sync-server/src/audit). */
export interface AuditLogTable {
  id: Generated<number>
  session_id: string
  at: number
  /** The connection's or token's user; null when the server could not tell. */
  actor_id: string | null
  actor_name: string | null
  actor_role: string | null
  action: string
  target_id: string | null
  detail: string | null
}

/** What happened, in order (see events/): appended with the decisions it reports. */
export interface DomainEventsTable {
  seq: Generated<number>
  session_id: string
  type: string
  /** JSON of the event's fields (EventData). */
  data: string
  at: number
}

/** How far each event subscriber has got: the last `seq` it handled. */
export interface EventCursorsTable {
  subscriber: string
  seq: number
  updated_at: number
}
