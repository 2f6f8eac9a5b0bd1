import type { AnalyticsPoint } from '@podium/shared'
import type { EventData, EventDraft } from '../../src/events/types.ts'

/**
 * One scripted session and what analytics must make of it, minute by minute. The contract
 * suite stores these events as the ingest would; the server test plays the same session
 * through real clients under a controlled clock. Both expect exactly the figures below.
 *
 * The host (staff: changes the status, moderates, answers) and five attendees:
 *
 *   09:00  status live; the host, Alice and Bob come
 *   09:01  Alice and Bob ask (pre-moderation: queued)
 *   09:02  the host approves Alice's question (after 60 s), rejects Bob's (after 50 s)
 *   09:03  Carol and Dave come; Bob, Carol and Dave vote for Alice's question; Bob goes
 *   09:04  nothing
 *   09:05  the host marks it answered (180 s after it was published); Carol replies; Erin comes
 *   09:06  Carol, Alice and Dave go
 *   09:07  Bob comes back
 *   09:08  Bob asks (published at once); the host votes for it and takes the vote back;
 *          Bob's next ask is too long (refused by a rule)
 *   09:09  status ended
 */
export const T0 = Date.UTC(2026, 2, 2, 9, 0, 0)
export const at = (minute: number, second = 0) => T0 + minute * 60_000 + second * 1_000

export interface Cast {
  sessionId: string
  host: string
  alice: string
  bob: string
  carol: string
  dave: string
  erin: string
}

/** The session's events as the ingest and the API store them, given everyone's ids. */
export function scriptedEvents(c: Cast, q: { q1: string; q2: string; q3: string; q4: string }) {
  const e = (draft: EventData & { at: number }): EventDraft => ({
    ...draft,
    sessionId: c.sessionId,
  })
  return [
    e({ type: 'session.status-changed', at: at(0, 5), status: 'live', by: c.host }),
    e({ type: 'participant.joined', at: at(0, 10), userId: c.host }),
    e({ type: 'participant.joined', at: at(0, 20), userId: c.alice }),
    e({ type: 'participant.joined', at: at(0, 30), userId: c.bob }),
    e({ type: 'question.asked', at: at(1), questionId: q.q1, authorId: c.alice, queued: true }),
    e({ type: 'question.asked', at: at(1, 30), questionId: q.q2, authorId: c.bob, queued: true }),
    e({ type: 'question.published', at: at(2), questionId: q.q1, authorId: c.alice, by: c.host }),
    e({
      type: 'question.rejected',
      at: at(2, 20),
      questionId: q.q2,
      authorId: c.bob,
      reason: 'moderator-rejected',
      by: c.host,
    }),
    e({ type: 'participant.joined', at: at(3), userId: c.carol }),
    e({ type: 'participant.joined', at: at(3, 5), userId: c.dave }),
    e({ type: 'vote.counted', at: at(3, 10), questionId: q.q1, userId: c.bob, up: true }),
    e({ type: 'vote.counted', at: at(3, 20), questionId: q.q1, userId: c.carol, up: true }),
    e({ type: 'vote.counted', at: at(3, 30), questionId: q.q1, userId: c.dave, up: true }),
    e({ type: 'participant.left', at: at(3, 40), userId: c.bob }),
    e({ type: 'question.answered', at: at(5), questionId: q.q1, by: c.host }),
    e({
      type: 'reply.posted',
      at: at(5, 30),
      replyId: 'reply-1',
      questionId: q.q1,
      authorId: c.carol,
      by: null,
    }),
    e({ type: 'participant.joined', at: at(5, 45), userId: c.erin }),
    e({ type: 'participant.left', at: at(6), userId: c.carol }),
    e({ type: 'participant.left', at: at(6, 10), userId: c.alice }),
    e({ type: 'participant.left', at: at(6, 20), userId: c.dave }),
    e({ type: 'participant.joined', at: at(7), userId: c.bob }),
    e({ type: 'question.asked', at: at(8), questionId: q.q3, authorId: c.bob, queued: false }),
    e({ type: 'question.published', at: at(8), questionId: q.q3, authorId: c.bob, by: null }),
    e({ type: 'vote.counted', at: at(8, 10), questionId: q.q3, userId: c.host, up: true }),
    e({ type: 'vote.counted', at: at(8, 15), questionId: q.q3, userId: c.host, up: false }),
    e({
      type: 'question.rejected',
      at: at(8, 30),
      questionId: q.q4,
      authorId: c.bob,
      reason: 'too-long',
      by: null,
    }),
    e({ type: 'session.status-changed', at: at(9), status: 'ended', by: c.host }),
  ]
}

/** Kinds of raw rows the script leaves, in order, with their times. */
export const EXPECTED_EVENT_KINDS: Array<[number, string]> = [
  [at(0, 5), 'status'],
  [at(0, 10), 'joined'],
  [at(0, 20), 'joined'],
  [at(0, 30), 'joined'],
  [at(1), 'asked'],
  [at(1, 30), 'asked'],
  [at(2), 'published'],
  [at(2, 20), 'rejected'],
  [at(3), 'joined'],
  [at(3, 5), 'joined'],
  [at(3, 10), 'vote'],
  [at(3, 20), 'vote'],
  [at(3, 30), 'vote'],
  [at(3, 40), 'left'],
  [at(5), 'answered'],
  [at(5, 30), 'reply'],
  [at(5, 45), 'joined'],
  [at(6), 'left'],
  [at(6, 10), 'left'],
  [at(6, 20), 'left'],
  [at(7), 'joined'],
  [at(8), 'asked'],
  [at(8), 'published'],
  [at(8, 10), 'vote'],
  [at(8, 15), 'unvote'],
  [at(8, 30), 'rejected'],
  [at(9), 'status'],
]

const point = (minute: number, figures: Partial<AnalyticsPoint>): AnalyticsPoint => ({
  at: at(minute),
  concurrent: 0,
  unique: 0,
  arrived: 0,
  departed: 0,
  asked: 0,
  published: 0,
  rejected: 0,
  answered: 0,
  votes: 0,
  unvotes: 0,
  replies: 0,
  moderated: 0,
  moderationMs: null,
  answerMs: null,
  video: null,
  roomOpens: 0,
  projectorOpens: 0,
  ...figures,
})

/** Minute by minute (the report's default range and bucket). */
export const EXPECTED_SERIES: AnalyticsPoint[] = [
  point(0, { concurrent: 3, unique: 3, arrived: 3 }),
  point(1, { concurrent: 3, unique: 3, asked: 2 }),
  point(2, {
    concurrent: 3,
    unique: 3,
    published: 1,
    rejected: 1,
    moderated: 2,
    moderationMs: 55_000,
  }),
  point(3, { concurrent: 5, unique: 5, arrived: 2, departed: 1, votes: 3 }),
  point(4, { concurrent: 4, unique: 5 }),
  point(5, { concurrent: 5, unique: 6, arrived: 1, answered: 1, replies: 1, answerMs: 180_000 }),
  point(6, { concurrent: 5, unique: 6, departed: 3 }),
  point(7, { concurrent: 3, unique: 6, arrived: 1 }),
  point(8, { concurrent: 3, unique: 6, asked: 2, published: 1, rejected: 1, votes: 1, unvotes: 1 }),
]

/** In buckets of five minutes: 09:00–09:05 and 09:05–09:09 (the range ends at 09:09). */
export const EXPECTED_SERIES_5M: AnalyticsPoint[] = [
  point(0, {
    concurrent: 5,
    unique: 5,
    arrived: 5,
    departed: 1,
    asked: 2,
    published: 1,
    rejected: 1,
    votes: 3,
    moderated: 2,
    moderationMs: 55_000,
  }),
  point(5, {
    concurrent: 5,
    unique: 6,
    arrived: 2,
    departed: 3,
    asked: 2,
    published: 1,
    rejected: 1,
    answered: 1,
    votes: 1,
    unvotes: 1,
    replies: 1,
    answerMs: 180_000,
  }),
]

export const EXPECTED_TOTALS = {
  participants: { unique: 6, peakConcurrent: 5 },
  questions: { asked: 4, published: 2, rejected: 2, answered: 1 },
  votes: 4,
  unvotes: 1,
  replies: 1,
  medianModerationMs: 55_000,
  medianAnswerMs: 180_000,
  video: null,
  opens: { room: 0, projector: 0 },
}

/** Alice, Bob and Carol asked or replied, Dave only voted, Erin did nothing: (3 + ½) / 5. */
export const EXPECTED_ENGAGEMENT = { score: 70, people: 5, askedOrReplied: 3, votedOnly: 1 }

/** Alice, Bob, Carol, Dave and Erin came; all but Erin took part; Alice's question was answered. */
export const EXPECTED_FUNNEL = { joined: 5, tookPart: 4, gotAnswer: 1 }

export const EXPECTED_ROLLUP_CSV = `at,concurrent_peak,concurrent_end,arrived,departed,new_participants,asked,published,rejected,answered,votes,unvotes,replies,moderated,moderation_ms,answer_timed,answer_ms,video_reports,video_poor,video_rtt_ms,video_rtt_n,video_loss_bp,video_loss_n,video_jitter_ms,video_jitter_n,video_kbps,video_kbps_n,video_fps_x100,video_fps_n,room_opens,projector_opens
2026-03-02T09:00:00.000Z,3,3,3,0,3,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0
2026-03-02T09:01:00.000Z,3,3,0,0,0,2,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0
2026-03-02T09:02:00.000Z,3,3,0,0,0,0,1,1,0,0,0,0,2,110000,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0
2026-03-02T09:03:00.000Z,5,4,2,1,2,0,0,0,0,3,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0
2026-03-02T09:05:00.000Z,5,5,1,0,1,0,0,0,1,0,0,1,0,0,1,180000,0,0,0,0,0,0,0,0,0,0,0,0,0,0
2026-03-02T09:06:00.000Z,5,2,0,3,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0
2026-03-02T09:07:00.000Z,3,3,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0
2026-03-02T09:08:00.000Z,3,3,0,0,0,2,1,1,0,1,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0
`

/** Presence fell from 5 to 2 at 09:06:20 (by more than half) and was back at 3 by 09:07. */
export const EXPECTED_ALERTS = [
  {
    rule: 'participation-drop',
    firedAt: at(6, 20),
    recoveredAt: at(7),
    detail: { present: 2, peak: 5, asked: 0, rejected: 1 },
  },
]
