import type { EventDraft } from '../../../sync-server/src/events/types.ts'

/**
 * The bench's history: hour-long sessions of a busy Q&A, the same every run, as the
 * ingest would have stored their events.
 */

export const CHUNK = 5_000
export const HOUR = 3_600_000

/** A small deterministic generator (mulberry32): the same history every run. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/**
 * One session's hour, in time order, in chunks: everyone joins in the first five minutes
 * and leaves in the last five; between, asks (a third queued, then approved or
 * rejected by a moderator), votes and unvotes, replies, answers and video reports, in
 * the proportions of a busy Q&A (votes most of all).
 */
export function* sessionEvents(
  sessionId: string,
  start: number,
  count: number,
): Generator<EventDraft[]> {
  const rnd = random(count ^ sessionId.length ^ start)
  const people = Math.max(4, Math.ceil(count / 40))
  const person = (i: number) => `${sessionId}-p${i}`
  const questions: string[] = []
  const pending: string[] = []
  let batch: EventDraft[] = []
  let made = 0
  const push = (e: EventDraft) => {
    batch.push(e)
    made++
  }
  const base = { sessionId }
  // The host puts the projector up as the session starts.
  push({ ...base, type: 'view.opened', userId: `${sessionId}-host`, view: 'projector', at: start })
  for (let i = 0; i < people && made < count; i++) {
    const at = start + Math.floor((i * 300_000) / people)
    push({ ...base, type: 'participant.joined', userId: person(i), at })
    // Each one opened the room to join.
    if (made < count) push({ ...base, type: 'view.opened', userId: person(i), view: 'room', at })
  }
  const middle = count - made - Math.min(people, count - made)
  for (let k = 0; k < middle; k++) {
    const at = start + 300_000 + Math.floor((k * (HOUR - 600_000)) / Math.max(1, middle))
    const who = person(Math.floor(rnd() * people))
    const roll = rnd()
    if (roll < 0.08 || questions.length === 0) {
      const questionId = `${sessionId}-q${questions.length + pending.length}`
      const queued = rnd() < 0.33
      push({ ...base, type: 'question.asked', questionId, authorId: who, queued, at })
      if (queued) pending.push(questionId)
      else {
        questions.push(questionId)
        push({ ...base, type: 'question.published', questionId, authorId: who, by: null, at })
        k++
      }
    } else if (roll < 0.12 && pending.length > 0) {
      const questionId = pending.shift()!
      if (rnd() < 0.8) {
        questions.push(questionId)
        push({ ...base, type: 'question.published', questionId, authorId: who, by: 'mod', at })
      } else
        push({
          ...base,
          type: 'question.rejected',
          questionId,
          authorId: who,
          reason: 'moderator-rejected',
          by: 'mod',
          at,
        })
    } else if (roll < 0.16) {
      const questionId = questions[Math.floor(rnd() * questions.length)]!
      push({
        ...base,
        type: 'reply.posted',
        replyId: `${questionId}-r${k}`,
        questionId,
        authorId: who,
        by: null,
        at,
      })
    } else if (roll < 0.17) {
      const questionId = questions[Math.floor(rnd() * questions.length)]!
      push({ ...base, type: 'question.answered', questionId, by: 'host', at })
    } else if (roll < 0.175) {
      // Someone reloads the room.
      push({ ...base, type: 'view.opened', userId: who, view: 'room', at })
    } else if (roll < 0.21) {
      const poor = rnd() < 0.1
      push({
        ...base,
        type: 'video.quality',
        userId: who,
        feed: 'camera',
        rttMs: poor ? 600 : 80 + Math.floor(rnd() * 100),
        lossPct: poor ? 9 : rnd(),
        jitterMs: 5 + Math.floor(rnd() * 20),
        bitrateKbps: 800 + Math.floor(rnd() * 800),
        fps: 24 + Math.floor(rnd() * 6),
        at,
      })
    } else {
      const questionId = questions[Math.floor(rnd() * questions.length)]!
      push({ ...base, type: 'vote.counted', questionId, userId: who, up: rnd() < 0.93, at })
    }
    if (batch.length >= CHUNK) {
      yield batch
      batch = []
    }
  }
  for (let i = 0; made < count; i++)
    push({
      ...base,
      type: 'participant.left',
      userId: person(i % people),
      at: start + HOUR - 300_000 + i,
    })
  if (batch.length > 0) yield batch
}
