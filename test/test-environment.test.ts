import { describe, expect, it } from 'vitest'
import { CHROMIUM, PROGRAMS, plan } from '../scripts/test-environment.mjs'

// What `npm test` does about a machine that lacks something: on Debian as root it installs
// and starts; elsewhere it names what is missing and how to get it. It never lets a suite skip.

const healthy = {
  root: true,
  debian: true,
  missing: [],
  postgres: true,
  redis: true,
  localPostgres: true,
  localRedis: true,
  hasPostgresServer: true,
  hasRedisServer: true,
}
const coturn = PROGRAMS.find((p) => p.command === 'turnserver')
if (!coturn) throw new Error('coturn is one of the programs the tests need')

describe('the test environment', () => {
  it('does nothing on a machine that has everything', () => {
    expect(plan(healthy)).toEqual({ install: [], start: [], problems: [] })
  })

  it('installs missing programs with apt as root on Debian', () => {
    const todo = plan({ ...healthy, missing: [coturn, CHROMIUM] })
    expect(todo.install).toEqual(['coturn', 'chromium'])
    expect(todo.problems).toEqual([])
  })

  it('starts an installed Postgres or Redis that does not answer', () => {
    expect(plan({ ...healthy, postgres: false, redis: false }).start).toEqual(['postgres', 'redis'])
  })

  it('installs and starts a service the machine lacks altogether', () => {
    const todo = plan({ ...healthy, redis: false, hasRedisServer: false })
    expect(todo).toEqual({ install: ['redis-server'], start: ['redis'], problems: [] })
  })

  it('names what is missing and how to get it where it cannot install', () => {
    const todo = plan({
      ...healthy,
      root: false,
      missing: [coturn],
      postgres: false,
      hasPostgresServer: false,
    })
    expect(todo.install).toEqual([])
    expect(todo.problems).toEqual([
      expect.stringMatching(/turnserver is not installed .*apt-get install coturn/),
      expect.stringMatching(
        /postgres does not answer .*install postgresql .*PODIUM_TEST_POSTGRES_URL/,
      ),
    ])
  })

  it('leaves Chromium to the browser helper off Debian', () => {
    expect(plan({ ...healthy, debian: false, missing: [CHROMIUM] }).problems).toEqual([])
  })

  it('does not try to start a service on another machine', () => {
    const todo = plan({ ...healthy, redis: false, localRedis: false })
    expect(todo.start).toEqual([])
    expect(todo.problems).toEqual([expect.stringMatching(/PODIUM_TEST_REDIS_URL=/)])
  })
})
