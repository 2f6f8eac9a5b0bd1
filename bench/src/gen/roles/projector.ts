import { ReactionsDoc } from '@podium/shared'
import * as Y from 'yjs'
import { encodeHistogram, newHistogram, recordMs } from '../../stats/histogram.ts'
import { type Control, sleep, until } from '../control.ts'
import type { ProjectorParams } from '../messages.ts'
import { type Lag, lagMonitor, viewer } from './common.ts'

export interface ProjectorReport {
  /** How late each window's counts arrived: arrival minus the window's end. */
  lateMs: string
  /** The window total the projector saw for each window (ms at its start). */
  windows: Record<string, number>
  /** The session's totals as the projector last read them. */
  total: number
  /** How long after the last reaction was sent the projector's totals counted them all. */
  allShownAfterSentMs: number | null
  /** Updates of the public document that arrived while reactions were sent. */
  updates: number
  watchedMs: number
  /** Why the server closed the projector's connection while it watched, if it did. */
  closed: string | null
  lag: Lag
}

/**
 * The projector: one client holding the public document as the projector view does,
 * timing each window's counts from the end of the window to their arrival.
 */
export async function projector(params: ProjectorParams, control: Control): Promise<void> {
  const doc = new Y.Doc()
  const reactions = new ReactionsDoc(doc)
  const lateMs = newHistogram()
  const windows: Record<string, number> = {}
  let updates = 0
  let watching = false
  let last = 0
  // Every window not seen before, as the room takes them: two that arrive in one update
  // are both timed from their own ends.
  reactions.observe(() => {
    const fresh = reactions.windowsAfter(last)
    if (fresh.length === 0) return
    last = fresh.at(-1)?.second ?? last
    if (!watching) return
    const now = Date.now()
    for (const w of fresh) {
      recordMs(lateMs, Math.max(0, now - (w.second + 1000)))
      windows[String(w.second)] = Object.values(w.counts).reduce((a, b) => a + (b ?? 0), 0)
    }
  })
  doc.on('update', () => {
    if (watching) updates++
  })
  let closed: string | null = null
  const client = viewer(params.endpoint, params.viewer, { publicDoc: doc }, (code, reason) => {
    closed = `${code}${reason ? ` ${reason}` : ''}`
  })
  await until(() => client.synced || client.denied || client.closed, 60_000)
  await control.phase('ready', { synced: client.synced })
  await control.signal('go')
  const lag = lagMonitor()
  const began = performance.now()
  watching = true
  const shown = () => Object.values(reactions.totals()).reduce((a, b) => a + (b ?? 0), 0)
  // Watched until every reaction sent is counted (the last window closes up to a second
  // after the last reaction), or for settleMs at most.
  const expected = (await control.signal('sent')) as number | undefined
  const sentAt = Date.now()
  await until(
    () => (expected !== undefined && shown() >= expected) || closed !== null,
    params.settleMs,
  )
  const allShownAfterSentMs =
    expected !== undefined && shown() >= expected ? Date.now() - sentAt : null
  await sleep(100)
  watching = false
  const total = shown()
  await control.phase('report', {
    lateMs: encodeHistogram(lateMs),
    windows,
    total,
    allShownAfterSentMs,
    updates,
    watchedMs: performance.now() - began,
    closed,
    lag: lag.read(),
  } satisfies ProjectorReport)
  await control.signal('close')
  client.close()
}
