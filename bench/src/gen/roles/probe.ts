import { OutboxDoc, PublicDoc } from '@podium/shared'
import * as Y from 'yjs'
import type { LightClient } from '../../client/socket.ts'
import { encodeHistogram, newHistogram, recordMs } from '../../stats/histogram.ts'
import { type Control, sleep, until } from '../control.ts'
import type { ProbeParams } from '../messages.ts'
import { attendee, type Lag, lagMonitor } from './common.ts'
import { RELAY_VOTES_MAP, relayVoteKey } from './vote.ts'

export interface ProbeReport {
  /** Vote to the new tally visible at another client (the observer). */
  tallyMs: string
  timedOut: number
  /** Whether the observer's tallies matched the voters' last wishes within the settle time. */
  converged: boolean
  /**
   * Votes missing from the final tallies, and votes counted more than once. When the
   * tallies did not converge, these are how far behind (or ahead) the observer still was.
   */
  lost: number
  doubled: number
  mismatched: number
  /** Time from the final signal until the tallies matched (or the settle limit). */
  convergeMs: number
  /** Probe connections (observer, probe voters) that closed before the end, and why. */
  closes: string[]
  lag: Lag
}

const PROBE_TIMEOUT_MS = 10_000

/**
 * Tally probes: a few voters own a probe question each, toggle their vote, and time
 * until an observer (another client, with a full replica) sees that question's count
 * change, while the storm runs on the other questions. At the end the observer's
 * tallies are compared with what every voter last asked for.
 */
export async function probe(params: ProbeParams, control: Control): Promise<void> {
  const observed = new Y.Doc()
  const relayCounts = new Map<string, number>()
  const tally =
    params.mode === 'podium'
      ? (questionId: string) => new PublicDoc(observed).question(questionId)?.votes ?? 0
      : (questionId: string) => relayCounts.get(questionId) ?? 0
  if (params.mode === 'relay') {
    observed.getMap(RELAY_VOTES_MAP).observe((event) => {
      for (const [key, change] of event.changes.keys) {
        const questionId = key.slice(0, key.lastIndexOf('/'))
        const delta = change.action === 'add' ? 1 : change.action === 'delete' ? -1 : 0
        relayCounts.set(questionId, (relayCounts.get(questionId) ?? 0) + delta)
      }
    })
  }
  const waiting = new Set<() => void>()
  observed.on('update', () => {
    for (const check of waiting) check()
  })
  const closes: string[] = []
  const onClose = (who: string) => (code: number, reason: string) => {
    closes.push(`${who} ${code}${reason ? ` ${reason}` : ''}`)
  }
  const observer = attendee(
    params.endpoint,
    params.observer,
    { publicDoc: observed },
    {},
    onClose('observer'),
  )
  const voters = params.voters.map((plan) => {
    const doc = new Y.Doc()
    const client: LightClient = attendee(
      params.endpoint,
      plan,
      params.mode === 'podium' ? { ownDoc: doc } : { publicWriteOnly: doc },
      {},
      onClose('probe voter'),
    )
    return { plan, doc, client }
  })
  const all = [observer, ...voters.map((v) => v.client)]
  await until(() => all.every((c) => c.synced || c.closed || c.denied), 60_000)
  await control.phase('ready', { connected: all.filter((c) => c.synced).length })

  await control.signal('go')
  const lag = lagMonitor()
  const tallyMs = newHistogram()
  let timedOut = 0
  const end = performance.now() + params.durationMs
  const mine = new Map<string, boolean>()
  await Promise.all(
    voters.map(async (voter, index) => {
      const questionId = params.probeQuestionIds[index]
      if (!questionId || !voter.client.synced) return
      const outbox = new OutboxDoc(voter.doc)
      while (performance.now() < end) {
        const up = !(mine.get(questionId) ?? false)
        mine.set(questionId, up)
        const target = up ? 1 : 0
        const sentAt = performance.now()
        if (params.mode === 'podium') outbox.vote(questionId, up)
        else {
          const votes = voter.doc.getMap<boolean>(RELAY_VOTES_MAP)
          const key = relayVoteKey(questionId, voter.plan.userId)
          if (up) votes.set(key, true)
          else votes.delete(key)
        }
        const seen = await new Promise<boolean>((resolve) => {
          const check = () => {
            if (tally(questionId) !== target) return
            waiting.delete(check)
            clearTimeout(timer)
            resolve(true)
          }
          const timer = setTimeout(() => {
            waiting.delete(check)
            resolve(false)
          }, PROBE_TIMEOUT_MS)
          waiting.add(check)
          check()
        })
        if (seen) recordMs(tallyMs, performance.now() - sentAt)
        else timedOut++
        await sleep(50 + Math.random() * 100)
      }
    }),
  )
  await control.phase('probed')

  const storm = (await control.signal('final')) as Record<string, number>
  const expected = new Map<string, number>()
  for (const questionId of params.allQuestionIds) expected.set(questionId, storm[questionId] ?? 0)
  for (const [questionId, up] of mine)
    expected.set(questionId, (expected.get(questionId) ?? 0) + (up ? 1 : 0))
  const finalStart = performance.now()
  const matches = () => [...expected].every(([q, n]) => tally(q) === n)
  const converged = await until(matches, params.settleMs, 50)
  let lost = 0
  let doubled = 0
  let mismatched = 0
  for (const [questionId, want] of expected) {
    const got = tally(questionId)
    if (got !== want) mismatched++
    if (got < want) lost += want - got
    else doubled += got - want
  }
  await control.phase('report', {
    tallyMs: encodeHistogram(tallyMs),
    timedOut,
    converged,
    lost,
    doubled,
    mismatched,
    convergeMs: performance.now() - finalStart,
    closes,
    lag: lag.read(),
  } satisfies ProbeReport)
  await control.signal('close')
  for (const client of all) client.close()
  await sleep(100)
}
