import { PublicPolls } from '@podium/shared'
import * as Y from 'yjs'
import { LightClient } from '../../client/socket.ts'
import { type Control, sleep, until } from '../control.ts'
import type { PollProjectorParams } from '../messages.ts'
import { type Lag, lagMonitor } from './common.ts'

export interface PollProjectorReport {
  /** Each change of the poll's `total` as it arrived: [ms since the epoch, total]. */
  totals: Array<[number, number]>
  /** The counts per option it last showed. */
  counts: number[]
  /** Updates of the public document that arrived while answers were sent. */
  updates: number
  watchedMs: number
  /** Why the server closed the projector's connection while it watched, if it did. */
  closed: string | null
  lag: Lag
}

/**
 * The projector of a poll: one client holding the public document as the projector view
 * does, noting when each new total of the poll's results arrives, until it shows
 * `expected` answers (or the coordinator stops it).
 */
export async function pollProjector(params: PollProjectorParams, control: Control): Promise<void> {
  const doc = new Y.Doc()
  const polls = new PublicPolls(doc)
  const totals: Array<[number, number]> = []
  let updates = 0
  let watching = false
  let last = -1
  let closed: string | null = null
  doc.on('update', () => {
    if (!watching) return
    updates++
    const total = polls.results(params.pollId).total
    if (total !== last) {
      last = total
      totals.push([Date.now(), total])
    }
  })
  const client = new LightClient({
    wire: params.endpoint.wire,
    url: params.endpoint.url,
    channels: [{ name: params.viewer.publicDoc, token: params.viewer.token, doc }],
    onClose: (code, reason) => {
      closed = `${code}${reason ? ` ${reason}` : ''}`
    },
  })
  await until(() => client.synced || client.denied || client.closed, 60_000)
  await control.phase('ready', { synced: client.synced })
  await control.signal('go')
  const lag = lagMonitor()
  const began = performance.now()
  watching = true
  const expected = (await control.signal('expect')) as number
  await until(() => last >= expected || closed !== null, params.settleMs)
  await sleep(100)
  watching = false
  await control.phase('report', {
    totals,
    counts: polls.results(params.pollId).counts,
    updates,
    watchedMs: performance.now() - began,
    closed,
    lag: lag.read(),
  } satisfies PollProjectorReport)
  await control.signal('close')
  client.close()
}
