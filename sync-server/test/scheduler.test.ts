import { describe, expect, it } from 'vitest'
import { TickScheduler } from '../src/ingest/scheduler.ts'

// When a session's ingest runs, without sockets: one tick for many asks, sooner when asked
// sooner, never two pieces of work at once, nothing after stop.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('the tick scheduler', () => {
  it('runs one tick for many asks, and moves it earlier when asked for sooner', async () => {
    const ticks: number[] = []
    const started = Date.now()
    const scheduler = new TickScheduler(
      async () => {
        ticks.push(Date.now() - started)
      },
      () => {},
      1_000,
    )
    scheduler.schedule()
    scheduler.schedule(500)
    scheduler.schedule(20)
    scheduler.schedule(40)
    await sleep(150)
    expect(ticks).toHaveLength(1)
    expect(ticks[0]).toBeLessThan(500)
    await scheduler.stop()
  })

  it('never overlaps a tick with other work, and a failure is reported, not thrown', async () => {
    let inside = 0
    let most = 0
    const failures: string[] = []
    const busy = async () => {
      inside++
      most = Math.max(most, inside)
      await sleep(20)
      inside--
    }
    const scheduler = new TickScheduler(busy, (_e, what) => failures.push(what), 5)
    scheduler.schedule(1)
    scheduler.afterRunning(busy, 'work')
    scheduler.afterRunning(async () => {
      throw new Error('boom')
    }, 'failing work')
    scheduler.afterRunning(busy, 'work')
    await sleep(120)
    await scheduler.running
    expect(most).toBe(1)
    expect(failures).toEqual(['failing work'])
    expect(scheduler.idle).toBe(true)
    await scheduler.stop()
  })

  it('keeps work asked for while the second of two runs behind it', async () => {
    // The first piece's end cleared what runs, though the second still ran: the next tick
    // then started beside it.
    let inside = 0
    let most = 0
    const busy = async () => {
      inside++
      most = Math.max(most, inside)
      await sleep(30)
      inside--
    }
    const scheduler = new TickScheduler(busy, () => {}, 5)
    scheduler.afterRunning(busy, 'first')
    scheduler.afterRunning(busy, 'second')
    await sleep(45)
    // The first is done, the second runs.
    expect(inside).toBe(1)
    expect(scheduler.running).not.toBeNull()
    scheduler.afterRunning(busy, 'third')
    await sleep(120)
    expect(most).toBe(1)
    expect(scheduler.idle).toBe(true)
    await scheduler.stop()
  })

  it('schedules nothing once stopped, and flush runs a forced tick now', async () => {
    const forced: boolean[] = []
    const scheduler = new TickScheduler(
      async (force) => {
        forced.push(force)
      },
      () => {},
      5,
    )
    await scheduler.flush()
    expect(forced).toEqual([true])
    await scheduler.stop()
    scheduler.schedule(1)
    await sleep(30)
    expect(forced).toEqual([true])
    expect(scheduler.idle).toBe(true)
  })

  it('starts a tick past due when asked again, before its timer gets to run', async () => {
    const ticks: number[] = []
    const scheduler = new TickScheduler(
      async () => {
        ticks.push(Date.now())
      },
      () => {},
      50,
    )
    scheduler.schedule(10)
    // The event loop is kept busy (as by sockets that stay readable): timers cannot run.
    const until = Date.now() + 30
    while (Date.now() < until) {}
    scheduler.schedule()
    await Promise.resolve()
    await scheduler.running
    expect(ticks).toHaveLength(1)
    await scheduler.stop()
  })
})
