import type { Document } from '@hocuspocus/server'
import { ModPolls, type PollSecret, PublicPolls } from '@podium/shared'
import type { Db } from '../db/connect.ts'
import type { TickPlan } from '../ingest/plan.ts'
import type { IngestBatch } from '../ingest/repository.ts'
import { ResultsCadence } from './cadence.ts'
import { PollTick } from './poll-tick.ts'
import { PollReadBack } from './read-back.ts'
import { type AnswersByPoll, loadAnswers } from './repository.ts'
import { computeResults, leaderboard, type PlayerTotal, scoreQuestion } from './results.ts'
import type { FindReview } from './review-step.ts'

/**
 * How often a poll's results are written while answers keep coming: into the moderators'
 * document (the console and the projector read them there, and only staff hold it) every
 * STAFF_RESULTS_EVERY_MS, into the public one every RESULTS_EVERY_MS. A first answer after
 * a quiet spell, and staff changes (open, close, times), are written at once; whenever the
 * public document is given results, the moderators' is too (POLL-RES-5). The public
 * document's broadcasts to a large room are paced besides (`broadcastGap` in
 * ingest/hold.ts), so writing it this often costs no extra sends.
 */
export const RESULTS_EVERY_MS = 250
export const STAFF_RESULTS_EVERY_MS = 50

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
  private readonly room = new ResultsCadence(RESULTS_EVERY_MS)
  private readonly staff = new ResultsCadence(STAFF_RESULTS_EVERY_MS)
  private heldTimer: NodeJS.Timeout | null = null
  /** When heldTimer fires (server clock). */
  private heldTimerAt = Number.POSITIVE_INFINITY

  constructor(private readonly deps: SessionPollsDeps) {
    this.readBack = new PollReadBack({
      ...deps,
      secrets: () => this.secrets,
      replace: (pollId, answers) => this.answers?.set(pollId, answers),
      // The next tick writes them from the answers just read, the moderators' document too.
      corrected: (pollIds) => {
        this.room.changed(pollIds)
        this.staff.changed(pollIds)
        this.deps.tick()
      },
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

  /** The last step: closing quiz questions scored, leaderboards and results written. */
  finish(tick: PollTick, pub: PublicPolls, plan: TickPlan): void {
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
    this.room.changed(tick.answered)
    this.staff.changed(tick.answered)
    const room = this.room.take(tick.touched, plan.now)
    // Staff see what the room sees (room.due holds the touched ones), and sooner.
    const staff = this.staff.take(room.due, plan.now)
    this.remindAt(Math.min(room.next, staff.next), plan.now)
    for (const id of staff.due) {
      const poll = tick.poll(id)
      const times = tick.times.get(id)
      if (!poll || !times) continue
      const results = computeResults(poll, tick.answerValues(id), times, tick.secret(id))
      plan.modOps.push((m) => new ModPolls(m.doc).setLiveResults(id, results))
      if (!room.due.has(id)) continue
      if (pub.hasResults(id) && JSON.stringify(results) === JSON.stringify(pub.results(id)))
        continue
      plan.publicOps.push((p) => new PublicPolls(p.doc).setResults(id, results))
    }
    plan.batch.pollAnswers.push(...tick.rows)
  }

  /** Asks for a tick when results held back are due (sooner than one asked for already). */
  private remindAt(due: number, now: number): void {
    if (!Number.isFinite(due) || due >= this.heldTimerAt || this.deps.stopped()) return
    if (this.heldTimer) clearTimeout(this.heldTimer)
    this.heldTimerAt = due
    this.heldTimer = setTimeout(
      () => {
        this.heldTimer = null
        this.heldTimerAt = Number.POSITIVE_INFINITY
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
    this.heldTimerAt = Number.POSITIVE_INFINITY
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
