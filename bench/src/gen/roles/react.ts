import { REACTION_IDS } from '@podium/shared'
import type { LightClient } from '../../client/socket.ts'
import { hocusFramer } from '../../wire/frames.ts'
import { type Control, paced, sleep, until } from '../control.ts'
import type { ReactParams } from '../messages.ts'
import { attendee, Failures, type Lag, lagMonitor } from './common.ts'

export interface ReactReady {
  connected: number
  failures: Record<string, number>
}

export interface ReactReport {
  sent: number
  /** Sent per window (ms at the window's start, by this machine's clock). */
  perWindow: Record<string, number>
  dropped: number
  lag: Lag
}

/**
 * Reaction storm: every attendee sends one reaction a second (each at its own phase in the
 * second), as the room does: a stateless message on the public document. The attendees
 * hold their public channel without applying it, like the fan-out's clients.
 */
export async function react(params: ReactParams, control: Control): Promise<void> {
  const failures = new Failures()
  const clients: LightClient[] = []
  let dropped = 0
  let storming = false
  await paced(params.attendees.length, params.connectRate, (index) => {
    const plan = params.attendees[index]!
    const client: LightClient = attendee(
      params.endpoint,
      plan,
      {},
      { onDenied: (_c, reason) => failures.add(`denied: ${reason}`) },
      (code) => {
        if (storming) dropped++
        else if (!client.synced) failures.add(`closed ${code}`)
      },
    )
    clients.push(client)
  })
  // Those still not synced by then are left out (and counted as not connected).
  await until(() => clients.every((c) => c.synced || c.closed || c.denied), 120_000)
  const ready = clients.filter((c) => c.synced)
  await control.phase('ready', {
    connected: ready.length,
    failures: failures.counts,
  } satisfies ReactReady)

  await control.signal('go')
  const lag = lagMonitor()
  storming = true
  const framers = ready.map((c) => hocusFramer(c.channels[0]!.spec.name))
  const perSecond = ready.length * params.perAttendeePerSecond
  const total = Math.round((perSecond * params.durationMs) / 1000)
  const perWindow: Record<string, number> = {}
  let sent = 0
  await paced(total, perSecond, (index) => {
    const i = index % ready.length
    const client = ready[i]!
    if (client.closed) return
    const reaction = REACTION_IDS[Math.floor(Math.random() * REACTION_IDS.length)]!
    client.channels[0]!.sendFrame(
      framers[i]!.stateless(JSON.stringify({ type: 'reaction', reaction })),
    )
    const window = String(Math.floor(Date.now() / 1000) * 1000)
    perWindow[window] = (perWindow[window] ?? 0) + 1
    sent++
  })
  await control.phase('sent', { sent })
  storming = false
  await control.phase('report', { sent, perWindow, dropped, lag: lag.read() } satisfies ReactReport)
  await control.signal('close')
  for (const client of clients) client.close()
  await sleep(200)
}
