import { OutboxDoc } from '@podium/shared'
import * as Y from 'yjs'
import type { LightClient } from '../../client/socket.ts'
import { encodeHistogram, newHistogram, recordMs } from '../../stats/histogram.ts'
import { type Control, paced, sleep, until } from '../control.ts'
import type { AttendeePlan, VoteParams } from '../messages.ts'
import { attendee, Failures, type Lag, lagMonitor } from './common.ts'

export interface VoteReady {
  connected: number
  failures: Record<string, number>
}

export interface VoteReport {
  sent: number
  /** What this generator's voters want each question's count to include, as last set. */
  tallies: Record<string, number>
  /** Podium: vote to receipt in the author's outbox. */
  receiptMs: string
  accepted: number
  rejected: Record<string, number>
  /** Votes still without a receipt when the generator stopped waiting. */
  unreceipted: number
  dropped: number
  lag: Lag
}

/** The key a vote has in a relay's shared document: one entry per (question, user). */
export const relayVoteKey = (questionId: string, userId: string) => `${questionId}/${userId}`
export const RELAY_VOTES_MAP = 'votes'

interface Voter {
  plan: AttendeePlan
  client: LightClient
  /** Podium: the outbox replica. Relay: a doc holding only this voter's own vote entries. */
  doc: Y.Doc
  state: Map<string, boolean>
  pending: Map<string, { seq: number; sentAt: number }>
}

/**
 * Vote storm: attendees vote and unvote on random questions at a total rate. On
 * Podium a vote is an outbox entry that the ingest counts; on a relay it is an entry
 * in the shared document that every client receives.
 */
export async function vote(params: VoteParams, control: Control): Promise<void> {
  const failures = new Failures()
  const receiptMs = newHistogram()
  const rejected = new Failures()
  const voters: Voter[] = []
  let accepted = 0
  let dropped = 0
  let storming = false

  await paced(params.attendees.length, params.connectRate, (index) => {
    const plan = params.attendees[index]!
    const doc = new Y.Doc()
    const pending: Voter['pending'] = new Map()
    if (params.mode === 'podium') {
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
    }
    const client: LightClient = attendee(
      params.endpoint,
      plan,
      params.mode === 'podium' ? { ownDoc: doc } : { publicWriteOnly: doc },
      { onDenied: (_c, reason) => failures.add(`denied: ${reason}`) },
      (code) => {
        if (storming) dropped++
        else if (!client.synced) failures.add(`closed ${code}`)
      },
    )
    const voter: Voter = { plan, client, doc, state: new Map(), pending }
    voters.push(voter)
  })
  await until(
    () => voters.every((v) => v.client.synced || v.client.closed || v.client.denied),
    120_000,
  )
  const ready = voters.filter((v) => v.client.synced)
  await control.phase('ready', {
    connected: ready.length,
    failures: failures.counts,
  } satisfies VoteReady)

  await control.signal('go')
  const lag = lagMonitor()
  storming = true
  const total = Math.round((params.ratePerSecond * params.durationMs) / 1000)
  let sent = 0
  await paced(total, params.ratePerSecond, () => {
    const voter = ready[Math.floor(Math.random() * ready.length)]
    if (!voter || voter.client.closed) return
    const questionId = pickQuestion(params, voter)
    if (!questionId) return
    const up = !(voter.state.get(questionId) ?? false)
    voter.state.set(questionId, up)
    sent++
    if (params.mode === 'podium') {
      const outbox = new OutboxDoc(voter.doc)
      const entryId = outbox.vote(questionId, up)
      voter.pending.set(entryId, { seq: outbox.entry(entryId)!.seq, sentAt: performance.now() })
    } else {
      const votes = voter.doc.getMap<boolean>(RELAY_VOTES_MAP)
      const key = relayVoteKey(questionId, voter.plan.userId)
      if (up) votes.set(key, true)
      else votes.delete(key)
    }
  })
  await control.phase('sent', { sent })
  if (params.mode === 'podium') await until(() => ready.every((v) => v.pending.size === 0), 20_000)
  else await sleep(500)
  storming = false

  const tallies: Record<string, number> = {}
  for (const voter of ready) {
    for (const [questionId, up] of voter.state) {
      if (up) tallies[questionId] = (tallies[questionId] ?? 0) + 1
    }
  }
  await control.phase('report', {
    sent,
    tallies,
    receiptMs: encodeHistogram(receiptMs),
    accepted,
    rejected: rejected.counts,
    unreceipted: ready.reduce((n, v) => n + v.pending.size, 0),
    dropped,
    lag: lag.read(),
  } satisfies VoteReport)
  await control.signal('close')
  for (const voter of voters) voter.client.close()
  await sleep(200)
}

/** A random question; with upOnly, one this voter has not voted on (none left: null). */
function pickQuestion(params: VoteParams, voter: Voter): string | null {
  const ids = params.questionIds
  const random = () => ids[Math.floor(Math.random() * ids.length)]!
  if (!params.upOnly) return random()
  for (let attempt = 0; attempt < 50; attempt++) {
    const id = random()
    if (!voter.state.get(id)) return id
  }
  return ids.find((id) => !voter.state.get(id)) ?? null
}
