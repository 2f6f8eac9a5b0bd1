import { ModDoc, ModPolls, newPoll, PublicDoc, PublicPolls } from '@podium/shared'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { TickPlan } from '../src/ingest/plan.ts'
import { PollTick } from '../src/polls/poll-tick.ts'
import {
  PUBLIC_RESULTS_MAX_MS,
  publicResultsEvery,
  RESULTS_EVERY_MS,
  SessionPolls,
} from '../src/polls/session-polls.ts'

// How often results are written: for staff and the projector (the moderators' document)
// every RESULTS_EVERY_MS while answers come; for the room (the public document, a message
// per attendee each time) less often the larger the audience.

const poll = newPoll({ kind: 'single', question: 'Next?', options: ['A', 'B'], status: 'open' })
const stopped = false
const sessions: SessionPolls[] = []

afterEach(() => {
  for (const s of sessions) s.stop()
  sessions.length = 0
})

function setup() {
  const polls = new SessionPolls({
    sessionId: 's1',
    db: undefined as never,
    sharedCounts: false,
    wake() {},
    tick() {},
    stopped: () => stopped,
    store: async () => {},
    afterRunning() {},
    withPublic: async () => {},
  })
  sessions.push(polls)
  const pub = new Y.Doc()
  const mod = new Y.Doc()
  let people = 0
  /** One tick at `now` in which one more person answers, with `readers` in the room. */
  const tick = (now: number, readers: number) => {
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
    polls.finish(t, new PublicPolls(pub), plan, readers)
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
  it('writes the room’s results less often the larger the audience, within bounds', () => {
    expect(publicResultsEvery(0)).toBe(RESULTS_EVERY_MS)
    expect(publicResultsEvery(1_000)).toBe(RESULTS_EVERY_MS)
    expect(publicResultsEvery(10_000)).toBe(800)
    expect(publicResultsEvery(1_000_000)).toBe(PUBLIC_RESULTS_MAX_MS)
  })

  it('keeps staff results every 250 ms while the room of 10,000 gets them every 800 ms', () => {
    const { pub, mod, tick } = setup()
    const written = { staff: [] as number[], room: [] as number[] }
    // A tick every 50 ms for two seconds, each with one more answer.
    for (let now = 1_000; now <= 3_000; now += 50) {
      const w = tick(now, 10_000)
      if (w.staff) written.staff.push(now)
      if (w.room) written.room.push(now)
    }
    expect(written.room).toEqual([1_000, 1_800, 2_600])
    // Staff get every room write too, and at most 250 ms passes between theirs.
    for (const at of written.room) expect(written.staff).toContain(at)
    const gaps = written.staff.slice(1).map((at, i) => at - (written.staff[i] ?? 0))
    expect(Math.max(...gaps)).toBeLessThanOrEqual(RESULTS_EVERY_MS)
    expect(written.staff.at(-1)).toBeGreaterThanOrEqual(2_800)
    // Staff's are the newer: the room's are those of its last write.
    expect(new PublicPolls(pub).results(poll.id).total).toBe(33)
    expect(new ModPolls(mod).liveResults(poll.id)?.total).toBe(
      1 + (written.staff.at(-1)! - 1_000) / 50,
    )
  })

  it('writes both as often as staff’s for a small room', () => {
    const { tick } = setup()
    const room: number[] = []
    for (let now = 1_000; now <= 2_000; now += 50) if (tick(now, 200).room) room.push(now)
    expect(room).toEqual([1_000, 1_250, 1_500, 1_750, 2_000])
  })
})
