import { JoinResponse } from '@podium/shared'
import type { LightClient } from '../../client/socket.ts'
import { encodeHistogram, newHistogram, recordMs } from '../../stats/histogram.ts'
import { type Control, paced, sleep, until } from '../control.ts'
import type { AttendeePlan, JoinParams } from '../messages.ts'
import { attendee, Failures, type Lag, lagMonitor } from './common.ts'

export interface JoinReport {
  attempted: number
  synced: number
  errors: Record<string, number>
  /** From the scheduled start of a join until every document synced. */
  joinToSyncedMs: string
  /** Podium: the POST /api/join round trip. */
  httpMs: string
  lag: Lag
}

/**
 * Join storm (and churn): new attendees arrive at a fixed rate, open loop. On Podium
 * each calls POST /api/join, then connects and syncs; on a relay it connects and
 * syncs. `when-synced` leaves as soon as synced (joins and leaves for the memory test).
 */
export async function join(params: JoinParams, control: Control): Promise<void> {
  const errors = new Failures()
  const joinToSynced = newHistogram()
  const httpMs = newHistogram()
  const clients: LightClient[] = []
  let synced = 0
  let settled = 0
  await control.phase('ready')
  await control.signal('go')
  const lag = lagMonitor()

  const finish = (client: LightClient | null) => {
    settled++
    if (client && params.leave === 'when-synced') client.close()
  }

  const arrive = async (index: number, scheduledAt: number) => {
    let plan: AttendeePlan
    if (params.join) {
      try {
        const response = await fetch(`${params.join.httpUrl}/api/join`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code: params.join.code }),
          signal: AbortSignal.timeout(params.timeoutMs),
        })
        if (!response.ok) {
          errors.add(`http ${response.status}`)
          await response.arrayBuffer()
          finish(null)
          return
        }
        const body = JoinResponse.parse(await response.json())
        recordMs(httpMs, performance.now() - scheduledAt)
        plan = {
          userId: body.userId,
          token: body.token,
          publicDoc: params.publicDoc,
          ownDoc: `${params.publicDoc}/user/${body.userId}`,
        }
      } catch (error) {
        errors.add(`http ${error instanceof Error ? error.name : 'error'}`)
        finish(null)
        return
      }
    } else {
      const userId = `joiner${index}x${process.pid}`
      plan = {
        userId,
        token: '',
        publicDoc: params.publicDoc,
        ownDoc: params.ownDocPrefix ? `${params.ownDocPrefix}${userId}` : null,
      }
    }
    let done = false
    const timer = setTimeout(() => {
      if (done) return
      done = true
      errors.add('timeout')
      client.close()
      finish(null)
    }, params.timeoutMs)
    const client: LightClient = attendee(
      params.endpoint,
      plan,
      {},
      {
        onSynced: () => {
          if (done || !client.synced) return
          done = true
          clearTimeout(timer)
          synced++
          recordMs(joinToSynced, performance.now() - scheduledAt)
          finish(client)
        },
        onDenied: (_channel, reason) => {
          if (done) return
          done = true
          clearTimeout(timer)
          errors.add(`denied: ${reason}`)
          finish(client)
        },
      },
      (code) => {
        if (done) return
        done = true
        clearTimeout(timer)
        errors.add(`closed ${code}`)
        finish(null)
      },
    )
    clients.push(client)
  }

  await paced(params.count, params.ratePerSecond, (index, scheduledAt) => {
    void arrive(index, scheduledAt)
  })
  await until(() => settled >= params.count, params.timeoutMs + 5_000, 50)
  await control.phase('report', {
    attempted: params.count,
    synced,
    errors: errors.counts,
    joinToSyncedMs: encodeHistogram(joinToSynced),
    httpMs: encodeHistogram(httpMs),
    lag: lag.read(),
  } satisfies JoinReport)
  await control.signal('close')
  for (const client of clients) client.close()
  await sleep(300)
}
