import { PublicDoc, type Reply } from '@podium/shared'
import * as Y from 'yjs'
import { until } from '../gen/control.ts'
import { benchQuestion } from '../gen/roles/publish.ts'
import type { VoteReady, VoteReport } from '../gen/roles/vote.ts'
import type { Context, Metric } from '../harness/context.ts'
import { Moderator, questionIds, typicalText } from '../harness/moderator.ts'
import { mergeCounts } from '../harness/numbers.ts'
import type { Tracker } from '../harness/tracker.ts'
import type { Room, RunningTarget } from '../targets/index.ts'

/** The document a late joiner receives, built once on Podium and replayed to the baselines. */
export interface Built {
  state: Uint8Array
  questions: number
  replies: number
  votes: number
  /** How the votes went in (Podium): what the voters sent and what the ingest answered. */
  fill: Record<string, Metric>
}

/** What the build leaves connected: the moderator, so the document stays loaded. */
export interface Anchor {
  close(): void
}

/**
 * Builds the session on Podium through its real paths: the moderator publishes questions
 * and replies into the public document; attendees vote through their outboxes, one
 * up-vote per (attendee, question), and the ingest counts them.
 */
export async function buildOnPodium(
  ctx: Context,
  target: RunningTarget,
  room: Room,
  track: Tracker,
): Promise<{ built: Built; anchor: Anchor }> {
  const { questions, votes, voters, replies } = ctx.plan.lateJoin
  // The voters are in the room before the questions come, as people are: each then syncs
  // an empty session and receives the questions as they are published.
  const people = await room.attendees(voters)
  const ids = questionIds('q', questions)
  const rate = Math.min(2_500, votes)
  const pool = track.pool('fill', people, ctx.plan.clientsPerGenerator, (slice, _i, of) => ({
    role: 'vote',
    params: {
      endpoint: target.endpoint,
      attendees: slice,
      connectRate: 100 / of,
      questionIds: ids,
      ratePerSecond: rate / of,
      durationMs: (votes / rate) * 1000,
      mode: 'podium',
      upOnly: true,
    },
  }))
  const ready = await pool.phase<VoteReady>('ready', (voters / 100) * 1000 + 180_000)
  const moderator = await Moderator.connect(target, room)
  await moderator.publish(ids, 50, typicalText)
  await addReplies(moderator, ids, replies)
  pool.signal('go')
  const reports = await pool.phase<VoteReport>('report', (votes / rate) * 1000 + 120_000)
  pool.signal('close')
  const expected = Object.values(mergeCounts(reports.map((r) => r.tallies))).reduce(
    (a, b) => a + b,
    0,
  )
  const counted = () => new PublicDoc(moderator.doc).questions().reduce((n, q) => n + q.votes, 0)
  const started = performance.now()
  await until(() => counted() >= expected, 60_000, 100)
  const pub = new PublicDoc(moderator.doc)
  const built: Built = {
    state: Y.encodeStateAsUpdate(moderator.doc),
    questions: pub.questions().length,
    replies: pub.replies().length,
    votes: counted(),
    fill: {
      fillConnected: ready.reduce((n, r) => n + r.connected, 0),
      fillConnectFailures: JSON.stringify(mergeCounts(ready.map((r) => r.failures))),
      fillModeratorClosed: moderator.closedWith,
      fillSent: reports.reduce((n, r) => n + r.sent, 0),
      fillAccepted: reports.reduce((n, r) => n + r.accepted, 0),
      fillRejected: JSON.stringify(mergeCounts(reports.map((r) => r.rejected))),
      fillUnreceipted: reports.reduce((n, r) => n + r.unreceipted, 0),
      fillExpected: expected,
      fillCountedAfterMs: Math.round(performance.now() - started),
    },
  }
  return { built, anchor: moderator }
}

async function addReplies(moderator: Moderator, ids: string[], count: number): Promise<void> {
  const before = moderator.acks
  let transactions = 0
  for (let i = 0; i < count; i += 50) {
    moderator.doc.transact(() => {
      for (let j = i; j < Math.min(count, i + 50); j++) {
        moderator.pub.putReply(benchReply(j, ids[j % ids.length]!))
      }
    })
    transactions++
  }
  await moderator.settled(before + transactions)
}

function benchReply(index: number, questionId: string): Reply {
  return {
    id: `r${index}x${questionId}`,
    questionId,
    text: `An answer from the host to ${questionId}, with a sentence or two of detail.`,
    authorId: 'bench-host',
    authorName: 'Host',
    authorRole: 'host',
    createdAt: Date.now(),
    hidden: false,
  }
}

/** Without Podium in the run: the same content written directly, tallies set in batches. */
export function buildLocally(ctx: Context): Built {
  const { questions, votes, replies } = ctx.plan.lateJoin
  const doc = new Y.Doc()
  const pub = new PublicDoc(doc)
  const ids = questionIds('q', questions)
  for (let i = 0; i < ids.length; i += 50) {
    doc.transact(() => {
      for (const id of ids.slice(i, i + 50)) pub.putQuestion(benchQuestion(id, typicalText(id)))
    })
  }
  doc.transact(() => {
    for (let j = 0; j < replies; j++) pub.putReply(benchReply(j, ids[j % ids.length]!))
  })
  const counts = new Map<string, number>()
  for (let v = 0; v < votes; v++) {
    const id = ids[Math.floor(Math.random() * ids.length)]!
    counts.set(id, (counts.get(id) ?? 0) + 1)
    if (v % 500 === 499) pub.setVoteCounts(counts)
  }
  pub.setVoteCounts(counts)
  return {
    state: Y.encodeStateAsUpdate(doc),
    questions,
    replies,
    votes,
    fill: { fillNote: 'built locally (Podium not in this run)' },
  }
}
