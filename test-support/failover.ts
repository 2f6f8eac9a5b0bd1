// A live audience on the stack (test-support/stack.ts) while its parts die, drain and
// restart: attendees in a vote storm, some asking while offline, and what must hold
// afterwards. The failover tests assert on it; `npm run bench:failover` reports its times.
import { type OutboxDoc, PublicDoc } from '@podium/shared'
import pg from 'pg'
import type { Page } from 'playwright-core'
import { createSession, join } from './api.ts'
import { until } from './processes.ts'
import type { Stack } from './stack.ts'
import { TestClient } from './sync-client.ts'

/** One attendee's socket and documents, with every receipt write the server made. */
export class Attendee {
  /**
   * `entryId@seq` → the outcomes (status and reason) its receipt was written with. Two
   * instances that both had the outbox loaded may both write a decision's receipt; that is
   * one decision seen twice, not two, as long as both say the same.
   */
  readonly receiptOutcomes = new Map<string, Set<string>>()
  /** Receipt writes that repeated an outcome already written. */
  rewrites = 0
  constructor(readonly client: TestClient) {
    const receipts = client
      .provider('outbox')
      .document.getMap<{ seq: number; status: string; reason?: string }>('receipts')
    receipts.observe((event) => {
      for (const key of event.keysChanged) {
        const receipt = receipts.get(key)
        const id = `${key}@${receipt?.seq}`
        const outcome = `${receipt?.status}${receipt?.reason ? `: ${receipt.reason}` : ''}`
        const seen = this.receiptOutcomes.get(id) ?? new Set()
        if (seen.has(outcome)) this.rewrites++
        seen.add(outcome)
        this.receiptOutcomes.set(id, seen)
      }
    })
  }

  get outbox(): OutboxDoc {
    return this.client.outbox
  }

  /** Whether every document is synced right now. */
  get synced(): boolean {
    return [...this.client.providers.values()].every((p) => p.isSynced)
  }

  get userId(): string {
    return this.client.identity.userId
  }
}

export interface Audience {
  sessionId: string
  code: string
  hostToken: string
  host: TestClient
  attendees: Attendee[]
  /** Questions everyone votes on. */
  questions: string[]
  close(): void
}

/** A session on the stack with `count` attendees (each on a socket through Caddy), all synced. */
export async function gatherAudience(stack: Stack, count: number): Promise<Audience> {
  const session = await createSession(stack.url, { title: 'Failover drill' })
  const host = new TestClient(
    stack.syncUrl,
    { sessionId: session.id, userId: session.hostUserId, token: session.hostToken },
    {},
    true,
  )
  // Joined first, then connected: Caddy's round robin then alternates the sockets between
  // the instances (interleaved with the join requests, they would all land on one).
  const joined = []
  for (let i = 0; i < count; i++) joined.push(await join(stack.url, session.code, `A${i}`))
  const attendees = joined.map((identity) => new Attendee(new TestClient(stack.syncUrl, identity)))
  await host.synced(60_000)
  for (const a of attendees) await a.client.synced(60_000)
  const questions: string[] = []
  for (let i = 0; i < 4; i++)
    questions.push(attendees[i % count]!.outbox.ask(`Storm question ${i}`).questionId)
  await until(
    () => questions.every((q) => host.public.hasQuestion(q)),
    'the storm questions published',
    60_000,
  )
  return {
    sessionId: session.id,
    code: session.code,
    hostToken: session.hostToken,
    host,
    attendees,
    questions,
    close() {
      for (const a of attendees) a.client.destroy()
      host.destroy()
    },
  }
}

/** Every attendee votes up or down on a random storm question every `everyMs` until stopped. */
export function voteStorm(audience: Audience, everyMs = 150): { stop(): void; votes(): number } {
  let votes = 0
  const timers = audience.attendees.map((a) =>
    setInterval(() => {
      const q = audience.questions[Math.floor(Math.random() * audience.questions.length)]!
      a.outbox.vote(q, !a.outbox.myVote(q))
      votes++
    }, everyMs),
  )
  return {
    stop: () => {
      for (const t of timers) clearInterval(t)
    },
    votes: () => votes,
  }
}

/**
 * Per attendee, how long after `since` it was synced again, for those whose documents went
 * unsynced after `since` (the others never noticed). Resolves once all are synced again.
 */
export async function timeBack(
  attendees: Attendee[],
  since: number,
  timeoutMs = 60_000,
): Promise<number[]> {
  const down = new Set<Attendee>()
  const back = new Map<Attendee, number>()
  await until(
    () => {
      const now = Date.now()
      for (const a of attendees) {
        if (!a.synced) {
          down.add(a)
          back.delete(a)
        } else if (down.has(a) && !back.has(a)) back.set(a, now - since)
      }
      // Settled: everyone synced, and nobody went down in the last half second.
      return attendees.every((a) => a.synced) && now - since > 500
    },
    'every attendee synced again',
    timeoutMs,
    10,
  )
  return [...back.values()]
}

/** Per browser page, how long after `since` its connection badge said online again. */
export async function timeBackPages(
  pages: Page[],
  since: number,
  timeoutMs = 60_000,
): Promise<number[]> {
  return Promise.all(
    pages.map(async (page) => {
      let wasDown = false
      for (;;) {
        const status = await page.evaluate(
          () => (document.querySelector('.conn') as HTMLElement | null)?.dataset.status ?? '',
        )
        if (status !== 'online') wasDown = true
        else if (wasDown || Date.now() - since > 3000) return wasDown ? Date.now() - since : 0
        if (Date.now() - since > timeoutMs)
          throw new Error(`page not online ${timeoutMs} ms after the failure (${status})`)
        await new Promise((r) => setTimeout(r, 50))
      }
    }),
  )
}

/**
 * What must hold once the storm has settled: every entry the server receipted is still
 * receipted, every entry is decided (its latest version receipted), each receipt says one
 * outcome however often it was written, the database holds one decision per entry, and every client shows the tallies the
 * votes table has. Returns the problems found (none: an empty list).
 */
export async function audit(
  stack: Stack,
  audience: Audience,
  receiptedBefore: Map<Attendee, Map<string, number>>,
): Promise<string[]> {
  const problems: string[] = []
  const db = new pg.Client({ connectionString: stack.databaseUrl })
  await db.connect()
  try {
    if (stack.schema) await db.query(`set search_path to ${stack.schema}`)
    const votes = await db.query<{ question_id: string; user_id: string }>(
      'select question_id, user_id from votes where session_id = $1',
      [audience.sessionId],
    )
    const ingested = await db.query<{ user_id: string; entry_id: string; seq: string }>(
      'select user_id, entry_id, seq from ingested where session_id = $1',
      [audience.sessionId],
    )
    const decided = new Map(ingested.rows.map((r) => [`${r.user_id}/${r.entry_id}`, Number(r.seq)]))
    const voted = new Set(votes.rows.map((r) => `${r.user_id}/${r.question_id}`))
    for (const a of audience.attendees) {
      for (const [id, seq] of receiptedBefore.get(a) ?? []) {
        const receipt = a.outbox.receipt(id)
        if (!receipt || receipt.seq < seq)
          problems.push(`${a.userId}: receipt of ${id}@${seq} lost`)
      }
      for (const entry of a.outbox.unsynced())
        problems.push(`${a.userId}: ${entry.type} ${entry.id}@${entry.seq} never decided`)
      for (const [key, outcomes] of a.receiptOutcomes)
        if (outcomes.size !== 1)
          problems.push(`${a.userId}: receipt ${key} written as ${[...outcomes].join(' and ')}`)
      for (const item of a.outbox.items()) {
        const { entry, receipt } = item
        if (entry.type === 'vote') {
          if (receipt?.status !== 'accepted' || receipt.seq !== entry.seq) continue
          const has = voted.has(`${a.userId}/${entry.questionId}`)
          if (has !== entry.up)
            problems.push(
              `${a.userId}: vote on ${entry.questionId} is ${has}, receipted ${entry.up}`,
            )
        } else if (entry.type === 'ask' && receipt?.status === 'accepted') {
          if (!decided.has(`${a.userId}/${entry.id}`))
            problems.push(`${a.userId}: receipted ask ${entry.id} has no decision stored`)
        }
      }
    }
    const counts = new Map<string, number>()
    for (const r of votes.rows) counts.set(r.question_id, (counts.get(r.question_id) ?? 0) + 1)
    for (const client of [audience.host, ...audience.attendees.map((a) => a.client)])
      for (const q of audience.questions) {
        const shown = new PublicDoc(client.provider('public').document).question(q)?.votes
        if (shown !== (counts.get(q) ?? 0))
          problems.push(
            `${client.identity.userId} shows ${shown} votes on ${q}, stored ${counts.get(q) ?? 0}`,
          )
      }
  } finally {
    await db.end()
  }
  return problems
}

/** What each attendee's server had receipted at this moment (`entryId` → seq). */
export function receipted(audience: Audience): Map<Attendee, Map<string, number>> {
  return new Map(
    audience.attendees.map((a) => [
      a,
      new Map(a.outbox.items().flatMap((i) => (i.receipt ? [[i.entry.id, i.receipt.seq]] : []))),
    ]),
  )
}

/** Polls `audit` until it finds nothing, or fails with what it found last. */
export async function settledAudit(
  stack: Stack,
  audience: Audience,
  receiptedBefore: Map<Attendee, Map<string, number>>,
  timeoutMs = 60_000,
): Promise<void> {
  let last: string[] = []
  const deadline = Date.now() + timeoutMs
  for (;;) {
    last = await audit(stack, audience, receiptedBefore)
    if (last.length === 0) return
    if (Date.now() > deadline)
      throw new Error(
        `after ${timeoutMs} ms:\n${last.slice(0, 20).join('\n')}\n${instanceWarnings(stack)}`,
      )
    await new Promise((r) => setTimeout(r, 250))
  }
}

/** The warnings and errors each sync-server logged lately: what a failed audit is read with. */
function instanceWarnings(stack: Stack): string {
  return stack.sync
    .map((instance, i) => {
      const lines = instance.child.output
        .split('\n')
        .filter((line) => /"level":(40|50|60)/.test(line))
        .slice(-30)
      return `sync-server ${i} (${lines.length} warnings or errors of late):\n${lines.join('\n')}`
    })
    .join('\n')
}

/** Median and worst of some durations (ms). */
export function summary(ms: number[]): { n: number; median: number; worst: number } {
  const sorted = [...ms].sort((a, b) => a - b)
  const mid = sorted.length / 2
  const median =
    sorted.length === 0
      ? 0
      : sorted.length % 2
        ? sorted[Math.floor(mid)]!
        : (sorted[mid - 1]! + sorted[mid]!) / 2
  return { n: sorted.length, median, worst: sorted.at(-1) ?? 0 }
}
