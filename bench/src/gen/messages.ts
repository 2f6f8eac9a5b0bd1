import type { Wire } from '../client/socket.ts'

/**
 * What the coordinator (bench/run.ts) and a generator process say to each other
 * over the IPC channel. A role runs in phases: it reports a phase, then waits for the
 * coordinator's signal to go on, so every generator moves in step.
 */

/** Who watches a room as the projector or a staff screen does (Room.moderator). */
export interface Viewer {
  token: string
  publicDoc: string
  /** Podium: the moderators' document. */
  modDoc?: string
  /** Podium: the viewer's own outbox, held with awareness as the real client holds it. */
  ownDoc?: string
}

/** One simulated attendee: the documents it opens and the token it shows. */
export interface AttendeePlan {
  userId: string
  token: string
  publicDoc: string
  /** Its own writable document (Podium: the outbox), or null on y-websocket. */
  ownDoc: string | null
}

export interface Endpoint {
  wire: Wire
  /** Sync URL (Hocuspocus) or server root (y-websocket). */
  url: string
}

export interface AttendParams {
  endpoint: Endpoint
  attendees: AttendeePlan[]
  /** Connections opened per second while connecting. */
  connectRate: number
  /** Publishes the moderator will make (sizes the per-client arrival bitmaps). */
  expectedPublishes: number
}

export interface PublishParams {
  endpoint: Endpoint
  moderator: { token: string; publicDoc: string }
  everyMs: number
  count: number
}

export interface VoteParams {
  endpoint: Endpoint
  attendees: AttendeePlan[]
  connectRate: number
  questionIds: string[]
  /** Votes per second this generator sends, in total over its attendees. */
  ratePerSecond: number
  durationMs: number
  /** podium: votes go to the outbox; relay: votes are map entries in the shared document. */
  mode: 'podium' | 'relay'
  /** Only up-votes, each voter on questions it has not voted on yet (to fill a session). */
  upOnly?: boolean
}

export interface ProbeParams {
  endpoint: Endpoint
  observer: AttendeePlan
  voters: AttendeePlan[]
  probeQuestionIds: string[]
  allQuestionIds: string[]
  mode: 'podium' | 'relay'
  durationMs: number
  /** How long to wait for tallies to settle after the storm. */
  settleMs: number
}

export interface JoinParams {
  endpoint: Endpoint
  /** Podium: POST /api/join with this code first. Baselines: null (no join step). */
  join: { httpUrl: string; code: string } | null
  /** Baselines: the documents to open. */
  publicDoc: string
  ownDocPrefix: string | null
  ratePerSecond: number
  count: number
  /** Seconds a joined client stays before the next phase (join storm keeps them). */
  leave: 'at-stop' | 'when-synced'
  timeoutMs: number
}

export interface ReactParams {
  endpoint: Endpoint
  attendees: AttendeePlan[]
  connectRate: number
  /** Reactions each attendee sends per second (at a phase of its own). */
  perAttendeePerSecond: number
  durationMs: number
}

export interface ProjectorParams {
  endpoint: Endpoint
  /** Whoever opens the projector: the host, on the public document. */
  viewer: Viewer
  /** How long to keep watching after the last reaction was sent. */
  settleMs: number
}

export interface AnswerParams {
  endpoint: Endpoint
  attendees: AttendeePlan[]
  connectRate: number
  /** The open poll (single choice) every attendee answers once. */
  pollId: string
  options: number
  /** The question every attendee then votes on once (the baseline wave). */
  questionId: string
  /** Each wave spreads this generator's attendees over this long. */
  durationMs: number
}

export interface PollProjectorParams {
  endpoint: Endpoint
  viewer: Viewer
  pollId: string
  /** How long to wait, after the last answer, for the projector to show them all. */
  settleMs: number
}

export type RoleParams =
  | { role: 'attend'; params: AttendParams }
  | { role: 'publish'; params: PublishParams }
  | { role: 'vote'; params: VoteParams }
  | { role: 'probe'; params: ProbeParams }
  | { role: 'join'; params: JoinParams }
  | { role: 'react'; params: ReactParams }
  | { role: 'projector'; params: ProjectorParams }
  | { role: 'answer'; params: AnswerParams }
  | { role: 'poll-projector'; params: PollProjectorParams }

export type ToWorker =
  | { type: 'start'; run: RoleParams }
  | { type: 'signal'; name: string; data?: unknown }

export type FromWorker =
  | { type: 'phase'; name: string; data: unknown }
  | { type: 'error'; message: string }
