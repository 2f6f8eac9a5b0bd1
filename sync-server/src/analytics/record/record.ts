import { isPoorVideo } from '@podium/shared'
import type { Transaction } from 'kysely'
import type { DialectName } from '../../db/migrations/types.ts'
import type { AnalyticsEventsTable, Database } from '../../db/schema.ts'
import { type DomainEvent, EventType } from '../../events/types.ts'
import { BatchAlerts, type MinuteFigures } from '../alerts/batch.ts'
import type { AlertListener } from '../alerts/rules.ts'
import { insertJsonRows, type JsonColumn } from './bulk.ts'
import { KnownFacts } from './known.ts'
import { addToMinute, type Counter, type Counts, type MinuteChange, minuteOf } from './rollup.ts'
import type { SessionState } from './session-state.ts'
import { BatchState } from './state.ts'

/** What a raw analytics row records (`analytics_events.kind`). */
export const AnalyticsKind = {
  asked: 'asked',
  published: 'published',
  rejected: 'rejected',
  answered: 'answered',
  vote: 'vote',
  unvote: 'unvote',
  reply: 'reply',
  joined: 'joined',
  left: 'left',
  status: 'status',
  reactions: 'reactions',
  hand: 'hand',
  pollAnswer: 'poll-answer',
  withdrawn: 'withdrawn',
  video: 'video',
  opened: 'opened',
} as const
export type AnalyticsKind = (typeof AnalyticsKind)[keyof typeof AnalyticsKind]

type Raw = Pick<
  Omit<AnalyticsEventsTable, 'id'>,
  'participant_id' | 'subject_id' | 'value' | 'detail'
> & {
  kind: AnalyticsKind
}

/** Events that can fire or recover an alert (see alerts.ts). */
const ALERTABLE = new Set<string>([
  EventType.participantJoined,
  EventType.participantLeft,
  EventType.questionAsked,
  EventType.questionRejected,
  EventType.videoQuality,
])

/** Per session, the first and last time of its events that can move an alert. */
function alertSpans(events: DomainEvent[]): Map<string, { from: number; to: number }> {
  const spans = new Map<string, { from: number; to: number }>()
  for (const e of events) {
    if (!ALERTABLE.has(e.type)) continue
    const span = spans.get(e.sessionId)
    if (span) {
      span.from = Math.min(span.from, e.at)
      span.to = Math.max(span.to, e.at)
    } else spans.set(e.sessionId, { from: e.at, to: e.at })
  }
  return spans
}

/** The raw row's columns, as written. */
const EVENT_ROW = [
  ['seq', 'bigint'],
  ['session_id', 'text'],
  ['at', 'bigint'],
  ['minute', 'bigint'],
  ['kind', 'text'],
  ['participant_id', 'text'],
  ['subject_id', 'text'],
  ['value', 'bigint'],
  ['detail', 'text'],
] as const satisfies readonly JsonColumn[]
type EventRow = Omit<AnalyticsEventsTable, 'id'>

/** What one event adds: its raw row, its minute's counts and the presence change. */
interface Outcome {
  raw: Raw
  counts: Counts
  /** +1 someone came, -1 someone went, 0 nobody did. */
  presence: number
}

/**
 * Records batches of domain events, each inside the event bus's transaction (so its rows
 * commit with the subscriber's cursor): a raw row each, the counts they add to their
 * minutes' rollups, and the session state later events need (presence, who took part,
 * each question's times). State is read once before a batch and written once after it;
 * what people are known to have done is kept between batches (see known.ts).
 */
export class EventRecorder {
  private readonly known = new KnownFacts()
  /** What the batch being recorded will make known, once it commits. */
  private learned: Map<string, number> | null = null

  constructor(
    private readonly dialect: DialectName,
    /** Told of alerts that fire or recover, in the batch's transaction. */
    private readonly alertListener: () => AlertListener | null = () => null,
  ) {}

  async record(events: DomainEvent[], trx: Transaction<Database>): Promise<void> {
    this.learned = null
    this.learned = await recordEvents(events, trx, this.dialect, this.known, this.alertListener())
  }

  /** The batch last recorded has committed. */
  committed(): void {
    if (this.learned) this.known.learn(this.learned)
    this.learned = null
  }
}

async function recordEvents(
  events: DomainEvent[],
  trx: Transaction<Database>,
  dialect: DialectName,
  known: KnownFacts,
  alertListener: AlertListener | null,
): Promise<Map<string, number>> {
  const state = await BatchState.load(trx, dialect, events, known)
  const alerts = await BatchAlerts.load(trx, alertSpans(events))
  /** The batch's changes to each session's minutes so far, as the alert rules read them. */
  const figures = new Map<string, Map<number, MinuteFigures>>()
  const rows: EventRow[] = []
  const minutes = new Map<string, MinuteChange>()
  for (const event of events) {
    const before = state.level(event.sessionId)
    const outcome = outcomeOf(event, state.session(event.sessionId, event.at))
    const after = Math.max(0, before + outcome.presence)
    state.setLevel(event.sessionId, after)
    const minute = minuteOf(event.at)
    rows.push({ seq: event.seq, session_id: event.sessionId, at: event.at, minute, ...outcome.raw })
    const counted = Object.keys(outcome.counts).length > 0
    const k = `${event.sessionId}\u0000${minute}`
    let change = minutes.get(k)
    if (!change && (counted || before !== after)) {
      change = { sessionId: event.sessionId, minute, counts: {}, peak: before, end: before }
      minutes.set(k, change)
    }
    if (change) {
      for (const [name, n] of Object.entries(outcome.counts) as Array<[Counter, number]>)
        change.counts[name] = (change.counts[name] ?? 0) + n
      change.peak = Math.max(change.peak, before, after)
      change.end = after
      const session = figures.get(event.sessionId) ?? new Map<number, MinuteFigures>()
      figures.set(event.sessionId, session)
      session.set(minute, {
        peak: change.peak,
        end: change.end,
        asked: change.counts.asked ?? 0,
        rejected: change.counts.rejected ?? 0,
        videoReports: change.counts.video_reports ?? 0,
        videoPoor: change.counts.video_poor ?? 0,
      })
    }
    if (ALERTABLE.has(event.type))
      alerts.evaluate(event.sessionId, event.at, after, figures.get(event.sessionId) ?? new Map())
  }
  await insertJsonRows(
    dialect,
    'analytics_events',
    EVENT_ROW,
    rows.map((r) => EVENT_ROW.map(([name]) => r[name])),
  ).execute(trx)
  await state.write(trx)
  for (const change of minutes.values()) await addToMinute(trx, dialect, change)
  await alerts.write(trx, alertListener)
  return state.facts()
}

const raw = (kind: AnalyticsKind, fields: Partial<Omit<Raw, 'kind'>> = {}): Raw => ({
  kind,
  participant_id: null,
  subject_id: null,
  value: null,
  detail: null,
  ...fields,
})

/** A counter that is 1 only when it counts (so a minute's row gets no zero columns). */
const one = (counted: number): number | undefined => (counted > 0 ? counted : undefined)
const counts = (c: Record<string, number | undefined>): Counts =>
  Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as Counts

function outcomeOf(event: DomainEvent, state: SessionState): Outcome {
  const { at } = event
  switch (event.type) {
    case EventType.questionAsked: {
      const fresh = state.tookPart(event.authorId, 'asked')
      state.setQuestion(event.questionId, { author_id: event.authorId, asked_at: at })
      return {
        raw: raw(AnalyticsKind.asked, {
          participant_id: event.authorId,
          subject_id: event.questionId,
          detail: event.queued ? 'queued' : null,
        }),
        counts: counts({ asked: 1, new_participants: one(fresh) }),
        presence: 0,
      }
    }
    case EventType.questionPublished:
    case EventType.questionRejected: {
      const published = event.type === EventType.questionPublished
      const question = state.question(event.questionId)
      // A moderator's decision: its delay runs from the ask (a rule's takes no time).
      const delay =
        event.by !== null && question?.askedAt != null && question.moderatedAt === null
          ? Math.max(0, at - question.askedAt)
          : null
      // An ask a rule refused has no question.asked before it: it counts as asked here.
      const byRule = !published && event.by === null
      const fresh = byRule ? state.tookPart(event.authorId, 'asked') : 0
      state.setQuestion(event.questionId, {
        ...(published ? { published_at: at } : { rejected_at: at }),
        ...(byRule ? { author_id: event.authorId, asked_at: at } : {}),
        ...(delay !== null ? { moderated_at: at, moderation_ms: delay } : {}),
      })
      state.staff(event.by)
      return {
        raw: raw(published ? AnalyticsKind.published : AnalyticsKind.rejected, {
          participant_id: event.authorId,
          subject_id: event.questionId,
          value: delay,
          detail: published ? (event.by ? 'moderator' : null) : event.reason,
        }),
        counts: counts({
          [published ? 'published' : 'rejected']: 1,
          asked: byRule ? 1 : undefined,
          new_participants: one(fresh),
          moderated: delay !== null ? 1 : undefined,
          moderation_ms: delay !== null ? delay : undefined,
        }),
        presence: 0,
      }
    }
    case EventType.questionAnswered: {
      const question = state.question(event.questionId)
      state.staff(event.by)
      // Marked answered again (after being unmarked): recorded, counted once.
      if (question?.answeredAt != null)
        return {
          raw: raw(AnalyticsKind.answered, { subject_id: event.questionId, detail: 'again' }),
          counts: {},
          presence: 0,
        }
      const shown = question?.publishedAt ?? question?.askedAt ?? null
      const delay = shown !== null ? Math.max(0, at - shown) : null
      state.setQuestion(event.questionId, { answered_at: at, answer_ms: delay })
      return {
        raw: raw(AnalyticsKind.answered, { subject_id: event.questionId, value: delay }),
        counts: counts({
          answered: 1,
          answer_timed: delay !== null ? 1 : undefined,
          answer_ms: delay !== null ? delay : undefined,
        }),
        presence: 0,
      }
    }
    case EventType.voteCounted: {
      const fresh = event.up ? state.tookPart(event.userId, 'voted') : 0
      state.addVote(event.questionId, event.up ? 1 : -1)
      return {
        raw: raw(event.up ? AnalyticsKind.vote : AnalyticsKind.unvote, {
          participant_id: event.userId,
          subject_id: event.questionId,
        }),
        counts: counts({
          [event.up ? 'votes' : 'unvotes']: 1,
          new_participants: one(fresh),
        }),
        presence: 0,
      }
    }
    case EventType.replyPosted: {
      const fresh = state.tookPart(event.authorId, 'replied')
      state.staff(event.by)
      return {
        raw: raw(AnalyticsKind.reply, {
          participant_id: event.authorId,
          subject_id: event.questionId,
        }),
        counts: counts({ replies: 1, new_participants: one(fresh) }),
        presence: 0,
      }
    }
    case EventType.participantJoined:
    case EventType.participantLeft: {
      const joined = event.type === EventType.participantJoined
      const change = state.presence(event.userId, joined)
      return {
        raw: raw(joined ? AnalyticsKind.joined : AnalyticsKind.left, {
          participant_id: event.userId,
          detail: event.type === EventType.participantJoined ? (event.device ?? null) : null,
        }),
        counts: counts({
          arrived: one(change.arrived),
          departed: one(change.departed),
          new_participants: one(change.fresh),
        }),
        presence: change.arrived - change.departed,
      }
    }
    case EventType.sessionStatusChanged: {
      state.staff(event.by)
      return { raw: raw(AnalyticsKind.status, { detail: event.status }), counts: {}, presence: 0 }
    }
    case EventType.reactionsCounted:
      return {
        raw: raw(AnalyticsKind.reactions, {
          value: event.total,
          detail: JSON.stringify(event.counts),
        }),
        counts: {},
        presence: 0,
      }
    case EventType.handRaised:
    case EventType.handLowered:
    case EventType.handCalled:
      return {
        raw: raw(AnalyticsKind.hand, {
          participant_id: event.userId,
          detail: event.type.slice('hand.'.length),
        }),
        counts: {},
        presence: 0,
      }
    case EventType.pollAnswered:
      return {
        raw: raw(AnalyticsKind.pollAnswer, {
          participant_id: event.userId,
          subject_id: event.pollId,
          detail: event.kind,
        }),
        counts: {},
        presence: 0,
      }
    case EventType.questionWithdrawn:
      state.setQuestion(event.questionId, { withdrawn_at: at })
      return {
        raw: raw(AnalyticsKind.withdrawn, {
          participant_id: event.authorId,
          subject_id: event.questionId,
          detail: event.queued ? 'queued' : null,
        }),
        counts: {},
        presence: 0,
      }
    case EventType.videoQuality: {
      const { rttMs, lossPct, jitterMs, bitrateKbps, fps } = event
      // Whole units in the rollup (loss in hundredths of a percent): sums stay integers.
      const whole = (v: number | null, scale = 1) =>
        v === null ? undefined : Math.round(v * scale)
      const n = (v: number | null) => (v === null ? undefined : 1)
      return {
        raw: raw(AnalyticsKind.video, {
          participant_id: event.userId,
          value: rttMs === null ? null : Math.round(rttMs),
          detail: JSON.stringify({ feed: event.feed, rttMs, lossPct, jitterMs, bitrateKbps, fps }),
        }),
        counts: counts({
          video_reports: 1,
          video_poor: isPoorVideo(event) ? 1 : undefined,
          video_rtt_ms: whole(rttMs),
          video_rtt_n: n(rttMs),
          video_loss_bp: whole(lossPct, 100),
          video_loss_n: n(lossPct),
          video_jitter_ms: whole(jitterMs),
          video_jitter_n: n(jitterMs),
          video_kbps: whole(bitrateKbps),
          video_kbps_n: n(bitrateKbps),
          video_fps_x100: whole(fps, 100),
          video_fps_n: n(fps),
        }),
        presence: 0,
      }
    }
    case EventType.viewOpened:
      return {
        raw: raw(AnalyticsKind.opened, { participant_id: event.userId, detail: event.view }),
        counts: event.view === 'projector' ? { projector_opens: 1 } : { room_opens: 1 },
        presence: 0,
      }
    default: {
      const never: never = event
      throw new Error(`analytics has no record for ${JSON.stringify(never)}`)
    }
  }
}
