import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  gatherAudience,
  receipted,
  settledAudit,
  summary,
  timeBack,
  voteStorm,
} from '../test-support/failover.ts'
import { until } from '../test-support/processes.ts'
import { Stack } from '../test-support/stack.ts'

/**
 * `npm run bench:failover`: the stack of the failover tests (Caddy with the repository's
 * Caddyfile, two sync-servers, signal-server, a private Postgres and Redis) with attendees
 * in a vote storm, `--runs` times (3 by default): an instance killed (time from the kill
 * until every client is synced again), an instance drained with SIGTERM (time to exit, and
 * until its clients are synced elsewhere), Redis and Postgres restarted (time from their
 * return until both instances are ready). After each step nothing receipted may be lost.
 * `--out <file>` also writes the figures as JSON.
 */
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    attendees: { type: 'string', default: '20' },
    out: { type: 'string' },
  },
})
const runs = Number(values.runs)

const stack = await Stack.start({ privateServices: true })
const figures = {
  failoverMedianMs: [] as number[],
  failoverWorstMs: [] as number[],
  drainMs: [] as number[],
  drainBackWorstMs: [] as number[],
  redisRecoveryMs: [] as number[],
  postgresRecoveryMs: [] as number[],
  /** What the audit after each step still found wrong once settled (see test-support/failover.ts). */
  problems: [] as string[],
}
/** Waits for the audit to pass; what it still finds after 30 s is kept as a figure, not a stop. */
const check = async (step: string, before: ReturnType<typeof receipted>) => {
  try {
    await settledAudit(stack, audience, before, 30_000)
  } catch (error) {
    const lines = (error as Error).message.split('\n').slice(1)
    figures.problems.push(...lines.map((l) => `${step}: ${l}`))
  }
}
const ready = async () =>
  (
    await Promise.all(
      stack.sync.map((s) =>
        fetch(`${s.url}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
          (r) => r.status,
          () => 0,
        ),
      ),
    )
  ).every((s) => s === 200)

let failure: Error | undefined
const audience = await gatherAudience(stack, Number(values.attendees))
try {
  for (let run = 0; run < runs; run++) {
    // An instance killed during the storm.
    let storm = voteStorm(audience)
    let before = receipted(audience)
    await new Promise((r) => setTimeout(r, 1000))
    const killedAt = Date.now()
    await stack.sync[0].stop('SIGKILL')
    const failover = summary(await timeBack(audience.attendees, killedAt))
    figures.failoverMedianMs.push(failover.median)
    figures.failoverWorstMs.push(failover.worst)
    storm.stop()
    await check('kill -9', before)
    await stack.sync[0].start()
    await new Promise((r) => setTimeout(r, 3500))

    // The other drained with SIGTERM.
    storm = voteStorm(audience)
    before = receipted(audience)
    await new Promise((r) => setTimeout(r, 1000))
    const drainedAt = Date.now()
    const drained = await stack.sync[1].stop('SIGTERM')
    if (drained.code !== 0) throw new Error(`drain exited with ${drained.code}`)
    figures.drainMs.push(drained.ms)
    figures.drainBackWorstMs.push(summary(await timeBack(audience.attendees, drainedAt)).worst)
    storm.stop()
    await check('SIGTERM', before)
    await stack.sync[1].start()
    await new Promise((r) => setTimeout(r, 3500))

    // Redis, then Postgres, stopped and started again under the storm.
    for (const part of ['redis', 'postgres'] as const) {
      const service = part === 'redis' ? stack.redis! : stack.postgres!
      storm = voteStorm(audience)
      before = receipted(audience)
      await service.stop()
      await until(async () => !(await ready()), `not ready without ${part}`, 30_000, 100)
      await new Promise((r) => setTimeout(r, 1000))
      const startedAt = Date.now()
      await service.start()
      await until(ready, `ready after ${part}`, 60_000, 50)
      figures[part === 'redis' ? 'redisRecoveryMs' : 'postgresRecoveryMs'].push(
        Date.now() - startedAt,
      )
      await new Promise((r) => setTimeout(r, 1500))
      storm.stop()
      await check(part, before)
    }
    process.stderr.write(`run ${run + 1}/${runs} done\n`)
  }
} catch (error) {
  // What was measured before the failure is reported with it.
  failure = error as Error
} finally {
  audience.close()
  await stack.close()
}

const row = (name: string, ms: number[]) => {
  const s = summary(ms)
  return `| ${name} | ${ms.join(', ')} | ${s.median} | ${s.worst} |`
}
const result = { runs, attendees: Number(values.attendees), ...figures }
process.stdout.write(
  [
    '| measure (ms) | each run | median | worst |',
    '| --- | --- | --- | --- |',
    row('kill -9: median client back', figures.failoverMedianMs),
    row('kill -9: last client back', figures.failoverWorstMs),
    row('SIGTERM: exit', figures.drainMs),
    row('SIGTERM: last client back', figures.drainBackWorstMs),
    row('Redis back: both ready', figures.redisRecoveryMs),
    row('Postgres back: both ready', figures.postgresRecoveryMs),
    `audit problems after settling: ${figures.problems.length}`,
    ...figures.problems.slice(0, 20),
    '',
    JSON.stringify(result),
    '',
  ].join('\n'),
)
if (values.out)
  writeFileSync(join(process.cwd(), values.out), `${JSON.stringify(result, null, 2)}\n`)
if (failure) {
  process.stderr.write(`stopped early: ${failure.message}\n`)
  process.exitCode = 1
}
