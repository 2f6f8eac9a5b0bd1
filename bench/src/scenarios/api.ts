import { JoinResponse } from '@podium/shared'
import autocannon from 'autocannon'
import { LightClient } from '../client/socket.ts'
import { until } from '../gen/control.ts'
import { TargetKind } from '../targets/index.ts'
import {
  type Context,
  loadAverage,
  round,
  type StepResult,
  stoppedStep,
  withTarget,
} from './harness.ts'

/**
 * API: POST /api/join and GET /api/sessions/:id (an attendee's authenticated read) at
 * increasing request rates, with autocannon. Podium only: the relays have no API.
 * One attendee stays connected so the session's document is loaded, as in a live session.
 */
export async function api(ctx: Context): Promise<StepResult[]> {
  if (!ctx.plan.targets.includes(TargetKind.podium)) return []
  const results: StepResult[] = []
  await withTarget(ctx, TargetKind.podium, async (target, track) => {
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
    const routes = [
      {
        route: 'POST /api/join',
        options: {
          url: `${target.httpUrl}/api/join`,
          method: 'POST' as const,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code: room.code }),
        },
      },
      {
        route: 'GET /api/sessions/:id',
        options: {
          url: `${target.httpUrl}/api/sessions/${reader.sessionId}`,
          method: 'GET' as const,
          headers: { authorization: `Bearer ${reader.token}` },
        },
      },
    ]
    for (const { route, options } of routes) {
      for (const rate of ctx.plan.api.rates) {
        ctx.log(`api: ${route} at ${rate}/s`)
        track.sampler.start()
        const result = await autocannon({
          ...options,
          connections: ctx.plan.api.connections,
          overallRate: rate,
          duration: ctx.plan.api.durationSec,
          timeout: 10,
        })
        track.sampler.stop()
        const server = track.sampler.summary(target.pid)
        const errors = result.errors + result.timeouts + result.non2xx
        const step: StepResult = {
          target: TargetKind.podium,
          params: { route, requestsPerSecond: rate },
          metrics: {
            achievedPerSecond: round(result.requests.total / ctx.plan.api.durationSec),
            p50: result.latency.p50,
            p99: result.latency.p99,
            max: result.latency.max,
            errors,
            non2xx: result.non2xx,
            timeouts: result.timeouts,
            serverCpuPercent: round(server.cpuPercent),
          },
          server,
          generators: null,
          stopped: null,
          serverLog: track.serverLog(),
          loadAverage: loadAverage(),
        }
        results.push(step)
        ctx.log(
          `  achieved ${step.metrics.achievedPerSecond}/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, errors ${errors}`,
        )
      }
    }
    present.close()
  }).catch((error: unknown) => {
    results.push(
      stoppedStep(
        TargetKind.podium,
        { route: 'all' },
        error instanceof Error ? error.message : String(error),
      ),
    )
  })
  return results
}
