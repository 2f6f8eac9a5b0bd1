import { ModDoc, ModPolls, newPoll, PublicDoc, PublicPolls } from '@podium/shared'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { TickPlan } from '../src/ingest/plan.ts'
import { PollTick } from '../src/polls/poll-tick.ts'
import {
  RESULTS_EVERY_MS,
  SessionPolls,
  STAFF_RESULTS_EVERY_MS,
} from '../src/polls/session-polls.ts'

// How often results are written while answers come: every STAFF_RESULTS_EVERY_MS into the
// moderators' document (the console and the projector), every RESULTS_EVERY_MS into the
// public one, and the moderators' whenever the public one is. (How often the public
// document's changes go out to a large room is the ingest's pacing: hold.test.ts.)

const poll = newPoll({ kind: 'single', question: 'Next?', options: ['A', 'B'], status: 'open' })
const stopped = false
const sessions: SessionPolls[] = []

afterEach(() => {
  for (const s of sessions) s.stop()
  sessions.length = 0
})

function setup(onTick: () => void = () => {}) {
  const polls = new SessionPolls({
    sessionId: 's1',
    db: undefined as never,
    sharedCounts: false,
    wake() {},
    tick: onTick,
    stopped: () => stopped,
    store: async () => {},
    afterRunning() {},
    withPublic: async () => {},
  })
  sessions.push(polls)
  const pub = new Y.Doc()
  const mod = new Y.Doc()
  let people = 0
  /** One tick at `now` in which one more person answers. */
  const tick = (now: number) => {
    const t = new PollTick(new Map(), new Map(), false)
    t.polls.set(poll.id, poll)
    t.times.set(poll.id, { openedAt: 0, closedAt: null })
    for (let i = 0; i <= people; i++)
      t.record(poll.id, `u${i}`, {
        choices: [i % 2],
        rating: null,
        text: null,
        at: now,
        points: null,
        name: null,
        moderation: null,
        reviewId: null,
        seq: 1,
      })
    people++
    const plan = new TickPlan('s1', now, [])
    polls.finish(t, new PublicPolls(pub), plan)
    for (const op of plan.publicOps) op(new PublicDoc(pub))
    for (const op of plan.modOps) op(new ModDoc(mod))
    return {
      room: plan.publicOps.length > 0,
      staff: plan.modOps.length > 0,
    }
  }
  return { pub, mod, tick }
}

describe('poll results cadence', () => {
  it('writes results every 50 ms for staff and every 250 ms for the room while answers come', () => {
    const { pub, mod, tick } = setup()
    const written = { staff: [] as number[], room: [] as number[] }
    // A tick every 50 ms for two seconds, each with one more answer.
    for (let now = 1_000; now <= 3_000; now += 50) {
      const w = tick(now)
      if (w.staff) written.staff.push(now)
      if (w.room) written.room.push(now)
    }
    expect(STAFF_RESULTS_EVERY_MS).toBe(50)
    expect(RESULTS_EVERY_MS).toBe(250)
    // The room's writes 250 ms apart; the staff's at every tick (50 ms), the room's included.
    expect(written.room).toEqual([1_000, 1_250, 1_500, 1_750, 2_000, 2_250, 2_500, 2_750, 3_000])
    expect(written.staff).toEqual(Array.from({ length: 41 }, (_, i) => 1_000 + i * 50))
    for (const at of written.room) expect(written.staff).toContain(at)
    // Both hold the answers counted by the last write.
    expect(new ModPolls(mod).liveResults(poll.id)?.total).toBe(41)
    expect(new PublicPolls(pub).results(poll.id)).toEqual(new ModPolls(mod).liveResults(poll.id))
  })

  it('asks for a tick when held results are due, the staff’s sooner than the room’s', async () => {
    vi.useFakeTimers({ now: 10_000 })
    try {
      const ticks: number[] = []
      const { tick } = setup(() => ticks.push(Date.now()))
      tick(10_000)
      // An answer 10 ms later: held for both; the staff's is due 50 ms after the first write.
      await vi.advanceTimersByTimeAsync(10)
      tick(10_010)
      await vi.advanceTimersByTimeAsync(300)
      expect(ticks[0]).toBe(10_050)
    } finally {
      vi.useRealTimers()
    }
  })
})
