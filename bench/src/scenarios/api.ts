import { JoinResponse } from '@podium/shared'
import autocannon from 'autocannon'
import { LightClient } from '../client/socket.ts'
import { until } from '../gen/control.ts'
import { round } from '../harness/numbers.ts'
import { defineScenario, type Measured, type Prepared, type Step } from '../harness/scenario.ts'
import { type RunningTarget, TargetKind } from '../targets/index.ts'

const ROUTES = ['POST /api/join', 'GET /api/sessions/:id'] as const
type Route = (typeof ROUTES)[number]

interface Load {
  route: Route
  rate: number
}

/** What autocannon sends for each route, in a session prepared for it. */
type Requests = Record<Route, autocannon.Options>

/**
 * API: POST /api/join and GET /api/sessions/:id (an attendee's authenticated read) at
 * increasing request rates, with autocannon. Podium only: the relays have no API.
 * One attendee stays connected so the session's document is loaded, as in a live session.
 */
export const api = defineScenario({
  name: 'api',
  points: (plan) => ROUTES.flatMap((route) => plan.api.rates.map((rate) => ({ route, rate }))),
  targets: (plan) => plan.targets.filter((kind) => kind === TargetKind.podium),
  params: ({ route, rate }: Load) => ({ route, requestsPerSecond: rate }),
  announce: (_kind, { route, rate }) => `api: ${route} at ${rate}/s`,
  prepare: (_ctx, target) => session(target),
  measure: load,
  summary: ({ metrics: m }) =>
    `achieved ${m.achievedPerSecond}/s, p50 ${m.p50} ms, p99 ${m.p99} ms, errors ${m.errors}`,
  stoppedParams: { route: 'all' },
})

/** A session with one attendee present, and the requests autocannon makes in it. */
async function session(target: RunningTarget): Promise<Prepared<Requests>> {
  const room = await target.newRoom('API')
  const [someone] = await room.attendees(1)
  const joinResponse = await fetch(`${target.httpUrl}/api/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: room.code }),
  })
  const reader = JoinResponse.parse(await joinResponse.json())
  const present = new LightClient({
    wire: target.endpoint.wire,
    url: target.endpoint.url,
    channels: [{ name: someone!.publicDoc, token: someone!.token }],
  })
  await until(() => present.synced, 30_000)
  return {
    value: {
      'POST /api/join': {
        url: `${target.httpUrl}/api/join`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: room.code }),
      },
      'GET /api/sessions/:id': {
        url: `${target.httpUrl}/api/sessions/${reader.sessionId}`,
        method: 'GET',
        headers: { authorization: `Bearer ${reader.token}` },
      },
    },
    release: () => present.close(),
  }
}

async function load({
  ctx,
  target,
  track,
  point: { route, rate },
  prepared,
}: Step<Load> & { prepared: Requests }): Promise<Measured> {
  track.sampler.start()
  const result = await autocannon({
    ...prepared[route],
    connections: ctx.plan.api.connections,
    overallRate: rate,
    duration: ctx.plan.api.durationSec,
    timeout: 10,
  })
  track.sampler.stop()
  const server = track.sampler.summary(target.pid)
  return {
    metrics: {
      achievedPerSecond: round(result.requests.total / ctx.plan.api.durationSec),
      p50: result.latency.p50,
      p99: result.latency.p99,
      max: result.latency.max,
      errors: result.errors + result.timeouts + result.non2xx,
      non2xx: result.non2xx,
      timeouts: result.timeouts,
      serverCpuPercent: round(server.cpuPercent),
    },
    server,
  }
}
