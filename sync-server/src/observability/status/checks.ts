import { connect } from 'node:net'
import { PEERJS_KEY, PEERJS_PATH } from '@podium/shared'
import { sql } from 'kysely'
import type { Services } from '../../services.ts'
import { PING_TIMEOUT_MS, roundTrip } from '../dependency-metrics.ts'
import { Component, type ComponentCheck, State } from './components.ts'

/** A mail due this long ago and still not sent makes the mail queue degraded. */
export const MAIL_LATE_MS = 10 * 60_000

const ms = (seconds: number) => `${Math.round(seconds * 1000)} ms`

/** Every component's state now, as this instance sees it. */
export async function checkComponents(services: Services, base: string): Promise<ComponentCheck[]> {
  return Promise.all([
    checkSync(services),
    checkDatabase(services),
    checkRedis(services),
    checkSignaling(services, base),
    checkTurn(services.config.turn.urls),
    checkMail(services),
  ])
}

async function checkSync(services: Services): Promise<ComponentCheck> {
  const clients = services.hocuspocus.getConnectionsCount()
  return { component: Component.sync, state: State.ok, detail: `${clients} connections here` }
}

async function checkDatabase(services: Services): Promise<ComponentCheck> {
  const took = await roundTrip(() => sql`select 1`.execute(services.db.kysely))
  return took === null
    ? { component: Component.database, state: State.down, detail: 'does not answer' }
    : { component: Component.database, state: State.ok, detail: `answers in ${ms(took)}` }
}

async function checkRedis(services: Services): Promise<ComponentCheck> {
  const { redis } = services
  if (!redis)
    return { component: Component.redis, state: State.notConfigured, detail: 'one instance' }
  const took = await roundTrip(() => redis.ping())
  return took === null
    ? { component: Component.redis, state: State.down, detail: 'does not answer' }
    : { component: Component.redis, state: State.ok, detail: `answers in ${ms(took)}` }
}

/**
 * PeerJS answers a request for an id without a token with 401: that answer, from
 * SIGNALING_URL or this address, means signaling is up (a 404 or the app's page means
 * nothing is mounted there).
 */
async function checkSignaling(services: Services, base: string): Promise<ComponentCheck> {
  const at = (services.config.signalingUrl ?? base).replace(/^ws/, 'http')
  try {
    const res = await fetch(`${at}${PEERJS_PATH}/${PEERJS_KEY}/id`, {
      signal: AbortSignal.timeout(PING_TIMEOUT_MS),
    })
    await res.body?.cancel()
    if (res.status === 401)
      return { component: Component.signaling, state: State.ok, detail: 'answers' }
    return {
      component: Component.signaling,
      state: State.down,
      detail: `answers ${res.status} where PeerJS should be`,
    }
  } catch {
    return { component: Component.signaling, state: State.down, detail: 'does not answer' }
  }
}

/** The first TURN URL's host and port take a TCP connection (coturn listens on TCP too). */
export async function checkTurn(urls: string[]): Promise<ComponentCheck> {
  const first = urls[0]
  if (!first)
    return { component: Component.turn, state: State.notConfigured, detail: 'no TURN_URLS' }
  const match = /^turns?:(\[[^\]]+\]|[^:?]+)(?::(\d+))?/.exec(first)
  if (!match)
    return { component: Component.turn, state: State.down, detail: 'TURN_URLS unreadable' }
  const host = (match[1] as string).replace(/^\[|\]$/g, '')
  const port = Number(match[2] ?? (first.startsWith('turns:') ? 5349 : 3478))
  const took = await roundTrip(
    () =>
      new Promise<void>((resolve, reject) => {
        const socket = connect({ host, port }, () => {
          socket.destroy()
          resolve()
        })
        socket.setTimeout(PING_TIMEOUT_MS, () => socket.destroy(new Error('timed out')))
        socket.on('error', reject)
      }),
  )
  return took === null
    ? { component: Component.turn, state: State.down, detail: `${host}:${port} unreachable` }
    : { component: Component.turn, state: State.ok, detail: `${host}:${port} reachable` }
}

async function checkMail(services: Services): Promise<ComponentCheck> {
  try {
    const { waiting, oldestDueMs } = await services.notifications.queue.backlog()
    const late = oldestDueMs > MAIL_LATE_MS
    return {
      component: Component.mail,
      state: late ? State.degraded : State.ok,
      detail: late
        ? `${waiting} waiting, the oldest ${Math.round(oldestDueMs / 60_000)} minutes late`
        : `${waiting} waiting`,
    }
  } catch {
    return { component: Component.mail, state: State.down, detail: 'queue unreadable' }
  }
}
