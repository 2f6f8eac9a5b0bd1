import { ModPolls, type PollResults, PublicPolls } from '@podium/shared'
import * as Y from 'yjs'
import { type Control, sleep, until } from '../control.ts'
import type { PollProjectorParams } from '../messages.ts'
import { type Lag, lagMonitor, viewer } from './common.ts'

export interface PollProjectorReport {
  /** Each change of the poll's `total` the projector showed: [ms since the epoch, total]. */
  totals: Array<[number, number]>
  /** The same for the room's results (the public document every attendee reads). */
  roomTotals: Array<[number, number]>
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
 * The projector of a poll: one client holding the public and moderators' documents as the
 * projector view does (its results are the moderators' document's when there are some, as
 * `pollViews` reads them), noting when each new total arrives, and when each new total of
 * the room's results does, until it shows `expected` answers (or the coordinator stops it).
 */
export async function pollProjector(params: PollProjectorParams, control: Control): Promise<void> {
  const doc = new Y.Doc()
  const modDoc = new Y.Doc()
  const polls = new PublicPolls(doc)
  const live = new ModPolls(modDoc)
  const shown = (): PollResults => live.liveResults(params.pollId) ?? polls.results(params.pollId)
  const totals: Array<[number, number]> = []
  const roomTotals: Array<[number, number]> = []
  let updates = 0
  let watching = false
  let last = -1
  let lastRoom = -1
  let closed: string | null = null
  const note = () => {
    if (!watching) return
    const total = shown().total
    if (total !== last) {
      last = total
      totals.push([Date.now(), total])
    }
    const room = polls.results(params.pollId).total
    if (room !== lastRoom) {
      lastRoom = room
      roomTotals.push([Date.now(), room])
    }
  }
  doc.on('update', () => {
    if (watching) updates++
    note()
  })
  modDoc.on('update', note)
  const client = viewer(
    params.endpoint,
    params.viewer,
    { publicDoc: doc, modDoc },
    (code, reason) => {
      closed = `${code}${reason ? ` ${reason}` : ''}`
    },
  )
  await until(() => client.synced || client.denied || client.closed, 60_000)
  await control.phase('ready', { synced: client.synced })
  await control.signal('go')
  const lag = lagMonitor()
  const began = performance.now()
  watching = true
  const expected = (await control.signal('expect')) as number
  await until(() => (last >= expected && lastRoom >= expected) || closed !== null, params.settleMs)
  await sleep(100)
  watching = false
  await control.phase('report', {
    totals,
    roomTotals,
    counts: shown().counts,
    updates,
    watchedMs: performance.now() - began,
    closed,
    lag: lag.read(),
  } satisfies PollProjectorReport)
  await control.signal('close')
  client.close()
}
