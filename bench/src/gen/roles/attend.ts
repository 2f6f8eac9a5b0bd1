import { PublicDoc } from '@podium/shared'
import * as Y from 'yjs'
import type { LightClient } from '../../client/socket.ts'
import { encodeHistogram, newHistogram, recordMs } from '../../stats/histogram.ts'
import { SyncType } from '../../wire/frames.ts'
import { nowMicros, scanMarkers } from '../../wire/markers.ts'
import { type Control, paced, sleep, until } from '../control.ts'
import type { AttendParams } from '../messages.ts'
import { attendee, Failures, type Lag, lagMonitor } from './common.ts'

export interface AttendReady {
  connected: number
  failures: Record<string, number>
  /** Connect to synced, per client. */
  connectMs: string
}

export interface AttendReport {
  /** Publish to arrival, per client and publish. */
  latency: string
  delivered: number
  expected: number
  /** Clients whose socket closed during the measured window. */
  dropped: number
  /** The client holding a full replica saw every published question. */
  replicaComplete: boolean
  replicaQuestions: number
  lag: Lag
}

/**
 * Fan-out receivers and idle attendees: connect, then time every published question's
 * arrival at every client from the marker in its id (no Y.Doc per client). One
 * client per generator keeps a full replica to check the stream is a valid document.
 */
export async function attend(params: AttendParams, control: Control): Promise<void> {
  const { attendees, expectedPublishes } = params
  const latency = newHistogram()
  const connectMs = newHistogram()
  const failures = new Failures()
  const clients: LightClient[] = []
  const seen: Uint8Array[] = []
  let measuring = false
  let dropped = 0
  const replica = new Y.Doc()

  await paced(attendees.length, params.connectRate, (index) => {
    const bitmap = new Uint8Array(expectedPublishes)
    seen.push(bitmap)
    const client = attendee(
      params.endpoint,
      attendees[index]!,
      index === 0 ? { publicDoc: replica } : {},
      {
        onSync: (channel, syncType, _payload, frame) => {
          if (syncType !== SyncType.update || channel !== client.channels[0]) return
          const at = nowMicros()
          scanMarkers(frame, (seq, micros) => {
            if (seq >= bitmap.length || bitmap[seq] === 1) return
            bitmap[seq] = 1
            recordMs(latency, (at - micros) / 1000)
          })
        },
        onDenied: (_channel, reason) => failures.add(`denied: ${reason}`),
      },
      (code) => {
        if (measuring) dropped++
        else if (!client.synced) failures.add(`closed ${code}`)
      },
    )
    clients.push(client)
  })
  await until(() => clients.every((c) => c.synced || c.closed || c.denied), 120_000)
  for (const client of clients) {
    if (client.synced) recordMs(connectMs, client.timeToSynced)
    else if (!client.closed && !client.denied) failures.add('not synced in 120 s')
  }
  await control.phase('ready', {
    connected: clients.filter((c) => c.synced).length,
    failures: failures.counts,
    connectMs: encodeHistogram(connectMs),
  } satisfies AttendReady)

  const lag = lagMonitor()
  await control.signal('measure')
  measuring = true
  lag.reset()
  const published = (await control.signal('collect')) as number
  measuring = false
  let delivered = 0
  for (const bitmap of seen) for (let i = 0; i < published; i++) delivered += bitmap[i]!
  const questions = new PublicDoc(replica).questions().filter((q) => q.id.startsWith('PdBm'))
  await control.phase('report', {
    latency: encodeHistogram(latency),
    delivered,
    expected: published * clients.filter((c) => c.synced).length,
    dropped,
    replicaComplete: questions.length >= published,
    replicaQuestions: questions.length,
    lag: lag.read(),
  } satisfies AttendReport)

  await control.signal('close')
  for (const client of clients) client.close()
  await sleep(200)
}
