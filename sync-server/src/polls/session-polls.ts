import type { Document } from '@hocuspocus/server'
import { ModPolls, type PollSecret, PublicPolls } from '@podium/shared'
import type { Db } from '../db/connect.ts'
import type { TickPlan } from '../ingest/plan.ts'
import type { IngestBatch } from '../ingest/repository.ts'
import { PollTick } from './poll-tick.ts'
import { PollReadBack } from './read-back.ts'
import { type AnswersByPoll, loadAnswers } from './repository.ts'
import { computeResults, leaderboard, type PlayerTotal, scoreQuestion } from './results.ts'
import type { FindReview } from './review-step.ts'

/**
 * How often a poll's results are written for staff and the projector (the moderators'
 * document, a few readers) while answers keep coming; a first answer after a quiet spell,
 * and staff changes (open, close, times), are written at once.
 */
export const RESULTS_EVERY_MS = 250

/**
 * The public document's results reach every attendee: each write is one message per
 * reader, about 20 µs of the server's time each. They are written at most every
 * PUBLIC_MS_PER_READER × readers (at least RESULTS_EVERY_MS, at most
 * PUBLIC_RESULTS_MAX_MS), so the room's results cost at most about a quarter of a core
 * however large the audience: every 250 ms up to 3,125 readers, every 800 ms at 10,000.
 * Written every 250 ms at 10,000 readers they took more than the whole core, and every
 * answer waited seconds behind them.
 */
export const PUBLIC_MS_PER_READER = 0.08
export const PUBLIC_RESULTS_MAX_MS = 2_000

/** How often the public document's results are written for `readers` connections. */
export function publicResultsEvery(readers: number): number {
  return Math.min(
    PUBLIC_RESULTS_MAX_MS,
    Math.max(RESULTS_EVERY_MS, Math.round(readers * PUBLIC_MS_PER_READER)),
  )
}

export interface SessionPollsDeps {
  sessionId: string
  db: Db
  /** Other instances take answers too: a closing poll is counted again from the table. */
  sharedCounts: boolean
  /** Asks for a tick (a quiz question's time is up). */
  wake(): void
  /** Asks for a tick without marking the polls changed (results held back are due). */
  tick(): void
  stopped(): boolean
  store(batch: IngestBatch): Promise<unknown>
  /** Runs work once the session's running tick is done. */
  afterRunning(work: () => Promise<void>, failed: string): void
  withPublic(use: (doc: Document) => Promise<void>): Promise<void>
}

/**
 * A session's polls as its ingest keeps them: the answers (read from poll_answers once,
 * then kept up to date by every stored tick), the staff-only secrets as last read from the
 * moderators' document, and the two steps a tick runs: `begin` (times stamped, quiz
 * questions closed when their time is up) and `finish` (points, leaderboards, results).
 */
export class SessionPolls {
  private answers: AnswersByPoll | null = null
  private secrets: Map<string, PollSecret> | null = null
  private dirty = true
  private current: PollTick | null = null
  private wakeTimer: NodeJS.Timeout | null = null
  private readonly readBack: PollReadBack
  /** When each poll's results were last written, for staff and for the room. */
  private readonly resultsAt = { staff: new Map<string, number>(), room: new Map<string, number>() }
  /** Polls whose answers changed since their results were last written, for each. */
  private readonly held = { staff: new Set<string>(), room: new Set<string>() }
  private heldTimer: NodeJS.Timeout | null = null
  private heldDue = Number.POSITIVE_INFINITY

  constructor(private readonly deps: SessionPollsDeps) {
    this.readBack = new PollReadBack({
      ...deps,
      secrets: () => this.secrets,
      replace: (pollId, answers) => this.answers?.set(pollId, answers),
    })
  }

  /** Staff changed polls (public document) or their secrets (moderators' document). */
  markDirty(secrets: boolean): void {
    this.dirty = true
    if (secrets) this.secrets = null
  }

  /** Whether the tick must open the moderators' document to read the secrets. */
  get needsMod(): boolean {
    return this.secrets === null
  }

  /** The first step: polls read, times stamped, quiz questions past their time closed. */
  async begin(pub: PublicPolls, plan: TickPlan): Promise<PollTick> {
    if (!this.answers) this.answers = await loadAnswers(this.deps.db, this.deps.sessionId)
    const tick = new PollTick(this.answers, new Map(this.secrets ?? []), this.dirty)
    this.dirty = false
    this.current = tick
    const { now } = plan
    let nextDeadline = Number.POSITIVE_INFINITY
    for (const poll of pub.polls()) {
      const had = pub.hasResults(poll.id)
      const shown = pub.results(poll.id)
      let times = { openedAt: shown.openedAt, closedAt: shown.closedAt }
      let current = poll
      if (poll.status === 'open' && (!had || times.openedAt === null || times.closedAt !== null))
        times = { openedAt: now, closedAt: null }
      if (poll.kind === 'quiz' && current.status === 'open' && times.openedAt !== null) {
        const deadline = times.openedAt + poll.timeLimitSec * 1000
        if (deadline <= now) {
          current = { ...poll, status: 'closed' }
          plan.publicOps.push((p) =>
            new PublicPolls(p.doc).updatePoll(poll.id, { status: 'closed' }),
          )
        } else nextDeadline = Math.min(nextDeadline, deadline)
      }
      if (current.status === 'closed' && (times.closedAt === null || !had)) {
        times = { openedAt: times.openedAt, closedAt: now }
        if (current.kind === 'quiz') tick.closing.add(poll.id)
      }
      tick.polls.set(poll.id, current)
      tick.times.set(poll.id, times)
      if (tick.wasDirty || times.openedAt !== shown.openedAt || times.closedAt !== shown.closedAt)
        tick.touched.add(poll.id)
    }
    this.wakeAt(nextDeadline - now)
    if (this.deps.sharedCounts) {
      const closing = [...tick.touched].filter((id) => tick.times.get(id)?.closedAt === now)
      if (closing.length > 0) {
        const fresh = await loadAnswers(this.deps.db, this.deps.sessionId, closing)
        for (const id of closing) tick.replaceStored(id, fresh.get(id) ?? new Map())
      }
    }
    return tick
  }

  /**
   * The answer a queue item stands for. With several instances the poll's answers are read
   * from the table first: the answer may have been decided by another instance.
   */
  readonly findReview: FindReview = async (tick, pollId, reviewId) => {
    if (this.deps.sharedCounts) {
      const fresh = await loadAnswers(this.deps.db, this.deps.sessionId, [pollId])
      tick.replaceStored(pollId, fresh.get(pollId) ?? new Map())
    }
    for (const entry of tick.answers(pollId)) if (entry[1].reviewId === reviewId) return entry
    return undefined
  }

  /** The secrets from the moderators' document, when the tick has it open. */
  readSecrets(tick: PollTick, mod: ModPolls): void {
    const secrets = new Map<string, PollSecret>()
    for (const id of tick.polls.keys()) secrets.set(id, mod.secret(id))
    for (const [id, s] of secrets) tick.secrets.set(id, s)
    this.secrets = secrets
  }

  /**
   * The last step: closing quiz questions scored, leaderboards and results written (the
   * moderators' document every RESULTS_EVERY_MS, the public one as its `readers` allow).
   */
  finish(tick: PollTick, pub: PublicPolls, plan: TickPlan, readers: number): void {
    const quizzes = new Set<string>()
    for (const id of tick.closing) {
      const poll = tick.poll(id)
      const openedAt = tick.times.get(id)?.openedAt
      if (!poll || openedAt === null || openedAt === undefined) continue
      const answers = tick.answers(id)
      const points = scoreQuestion(poll, answers, openedAt, tick.secret(id).correct)
      for (const [userId, answer] of answers)
        tick.record(id, userId, { ...answer, points: points.get(userId) ?? 0 })
      if (poll.quizId) quizzes.add(poll.quizId)
    }
    for (const quizId of quizzes) {
      const board = this.leaderboardOf(tick, quizId, plan.now)
      plan.publicOps.push((p) => new PublicPolls(p.doc).setLeaderboard(quizId, board))
    }
    const room = this.due(tick, 'room', publicResultsEvery(readers), plan.now)
    // Whatever the room is shown, staff are shown too: theirs are never the older.
    for (const id of room) {
      this.resultsAt.staff.set(id, plan.now)
      this.held.staff.delete(id)
    }
    const staff = this.due(tick, 'staff', RESULTS_EVERY_MS, plan.now)
    this.remindAt(plan.now)
    for (const id of new Set([...staff, ...room])) {
      const poll = tick.poll(id)
      const times = tick.times.get(id)
      if (!poll || !times) continue
      const results = computeResults(poll, tick.answers(id), times, tick.secret(id))
      const json = JSON.stringify(results)
      plan.modOps.push((m) => new ModPolls(m.doc).setLiveResults(id, results))
      if (room.has(id) && !(pub.hasResults(id) && json === JSON.stringify(pub.results(id))))
        plan.publicOps.push((p) => new PublicPolls(p.doc).setResults(id, results))
    }
    plan.batch.pollAnswers.push(...tick.rows)
  }

  /**
   * The polls whose results this tick writes for `who`: the ones it touched, and the ones
   * whose answers changed once `everyMs` has passed since their last write; the others
   * wait for a later tick (remindAt asks for one).
   */
  private due(tick: PollTick, who: 'staff' | 'room', everyMs: number, now: number): Set<string> {
    const due = new Set(tick.touched)
    const held = this.held[who]
    const writtenAt = this.resultsAt[who]
    for (const id of tick.answered) held.add(id)
    for (const id of held) {
      const next = (writtenAt.get(id) ?? Number.NEGATIVE_INFINITY) + everyMs
      if (due.has(id) || next <= now) {
        due.add(id)
        held.delete(id)
      } else this.heldDue = Math.min(this.heldDue, next)
    }
    for (const id of due) writtenAt.set(id, now)
    return due
  }

  /** Asks for a tick when results held back are due. */
  private remindAt(now: number): void {
    const due = this.heldDue
    this.heldDue = Number.POSITIVE_INFINITY
    if (!Number.isFinite(due) || this.heldTimer || this.deps.stopped()) return
    this.heldTimer = setTimeout(
      () => {
        this.heldTimer = null
        if (!this.deps.stopped()) this.deps.tick()
      },
      Math.max(0, due - now),
    )
  }

  private leaderboardOf(tick: PollTick, quizId: string, now: number) {
    const totals = new Map<string, PlayerTotal>()
    let rounds = 0
    for (const poll of tick.polls.values()) {
      if (poll.quizId !== quizId) continue
      if (poll.status === 'closed') rounds++
      for (const [userId, a] of tick.answers(poll.id)) {
        const t = totals.get(userId) ?? { userId, name: a.name, points: 0 }
        t.points += a.points ?? 0
        totals.set(userId, t)
      }
    }
    return leaderboard([...totals.values()], rounds, now)
  }

  /** The tick is stored: its answers are the truth now. */
  stored(tick: PollTick): void {
    if (this.current === tick) this.current = null
    if (!this.answers) return
    for (const [pollId, byUser] of tick.changed) {
      let poll = this.answers.get(pollId)
      if (!poll) {
        poll = new Map()
        this.answers.set(pollId, poll)
      }
      for (const [userId, a] of byUser) poll.set(userId, a)
    }
    // Other instances took answers too: the results are counted again from the table.
    if (this.deps.sharedCounts) this.readBack.later(tick.changed.keys())
  }

  /** The tick failed before changing anything: its staff changes are looked at again. */
  giveBack(): void {
    if (this.current?.wasDirty) this.dirty = true
    this.current = null
  }

  idle(): boolean {
    return this.wakeTimer === null && this.heldTimer === null && this.readBack.idle()
  }

  stop(): void {
    this.readBack.stop()
    if (this.heldTimer) clearTimeout(this.heldTimer)
    this.heldTimer = null
    if (this.wakeTimer) clearTimeout(this.wakeTimer)
    this.wakeTimer = null
  }

  private wakeAt(delayMs: number): void {
    if (!Number.isFinite(delayMs)) return
    if (this.wakeTimer) clearTimeout(this.wakeTimer)
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = null
      if (!this.deps.stopped()) this.deps.wake()
    }, Math.max(0, delayMs) + 5)
  }
}
