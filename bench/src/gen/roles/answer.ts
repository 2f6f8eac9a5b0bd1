import { answerPoll, OutboxDoc, pollAnswerEntryId } from '@podium/shared'
import * as Y from 'yjs'
import type { LightClient } from '../../client/socket.ts'
import { encodeHistogram, newHistogram, recordMs } from '../../stats/histogram.ts'
import { type Control, paced, sleep, until } from '../control.ts'
import type { AnswerParams, AttendeePlan } from '../messages.ts'
import { attendee, Failures, type Lag, lagMonitor } from './common.ts'

export interface AnswerReady {
  connected: number
  failures: Record<string, number>
}

/** One wave: every attendee of this generator answers the poll, or votes, once. */
export interface WaveReport {
  sent: number
  /** When each was written into its outbox (this machine's clock, ms since the epoch). */
  sentAt: number[]
  /** Outbox to receipt. */
  receiptMs: string
  accepted: number
  rejected: Record<string, number>
  unreceipted: number
}

export interface AnswerReport {
  /** How many chose each option, by index. */
  choices: number[]
  dropped: number
  lag: Lag
}

interface Person {
  plan: AttendeePlan
  client: LightClient
  doc: Y.Doc
  pending: Map<string, { seq: number; sentAt: number }>
}

/**
 * Poll storm: every attendee answers one poll once, spread over `durationMs` (the first
 * wave); then, as the baseline in the same server, every attendee votes once on one
 * question over the same time (the second wave). Both are outbox entries the ingest
 * decides; the CPU each costs is compared per entry.
 */
export async function answer(params: AnswerParams, control: Control): Promise<void> {
  const failures = new Failures()
  const people: Person[] = []
  let dropped = 0
  let storming = false
  let receiptMs = newHistogram()
  let accepted = 0
  let rejected = new Failures()
  await paced(params.attendees.length, params.connectRate, (index) => {
    const plan = params.attendees[index]!
    const doc = new Y.Doc()
    const pending: Person['pending'] = new Map()
    const outbox = new OutboxDoc(doc)
    doc.on('update', (_update: Uint8Array, origin: unknown) => {
      if (origin === null || pending.size === 0) return
      for (const [entryId, sent] of pending) {
        const receipt = outbox.receipt(entryId)
        if (!receipt || receipt.seq !== sent.seq) continue
        pending.delete(entryId)
        recordMs(receiptMs, performance.now() - sent.sentAt)
        if (receipt.status === 'accepted') accepted++
        else rejected.add(receipt.reason ?? receipt.status)
      }
    })
    const client: LightClient = attendee(
      params.endpoint,
      plan,
      { ownDoc: doc },
      { onDenied: (_c, reason) => failures.add(`denied: ${reason}`) },
      (code) => {
        if (storming) dropped++
        else if (!client.synced) failures.add(`closed ${code}`)
      },
    )
    people.push({ plan, client, doc, pending })
  })
  await until(
    () => people.every((p) => p.client.synced || p.client.closed || p.client.denied),
    120_000,
  )
  const ready = people.filter((p) => p.client.synced)
  await control.phase('ready', {
    connected: ready.length,
    failures: failures.counts,
  } satisfies AnswerReady)
  const lag = lagMonitor()
  const choices = params.options === 0 ? [] : Array.from({ length: params.options }, () => 0)

  /** One wave: `write` puts the entry in the outbox and says its id. */
  const wave = async (write: (person: Person, index: number) => string): Promise<WaveReport> => {
    receiptMs = newHistogram()
    accepted = 0
    rejected = new Failures()
    const sentAt: number[] = []
    storming = true
    await paced(ready.length, (ready.length * 1000) / params.durationMs, (index) => {
      const person = ready[index]!
      if (person.client.closed) return
      const entryId = write(person, index)
      const seq = new OutboxDoc(person.doc).entry(entryId)?.seq ?? 0
      person.pending.set(entryId, { seq, sentAt: performance.now() })
      sentAt.push(Date.now())
    })
    await until(() => ready.every((p) => p.pending.size === 0), 60_000)
    storming = false
    return {
      sent: sentAt.length,
      sentAt,
      receiptMs: encodeHistogram(receiptMs),
      accepted,
      rejected: rejected.counts,
      unreceipted: ready.reduce((n, p) => n + p.pending.size, 0),
    }
  }

  await control.signal('answer')
  const answers = await wave((person, index) => {
    const choice = index % params.options
    choices[choice] = (choices[choice] ?? 0) + 1
    answerPoll(person.doc, params.pollId, { choices: [choice] })
    return pollAnswerEntryId(params.pollId)
  })
  await control.phase('answered', answers)

  await control.signal('vote')
  const votes = await wave((person) => new OutboxDoc(person.doc).vote(params.questionId, true))
  await control.phase('voted', votes)

  await control.phase('report', { choices, dropped, lag: lag.read() } satisfies AnswerReport)
  await control.signal('close')
  for (const person of people) person.client.close()
  await sleep(200)
}
