import { describe, expect, it } from 'vitest'
import { storeUntilDone } from '../src/ingest/retry.ts'

const failing = (times: number, error = new Error('deadlock detected')) => {
  let calls = 0
  return {
    store: async () => {
      calls++
      if (calls <= times) throw error
      return 'stored'
    },
    calls: () => calls,
  }
}

describe('storing a tick until it is done', () => {
  it('tries again after each failure until the store succeeds', async () => {
    const { store, calls } = failing(3)
    const retries: number[] = []
    const result = await storeUntilDone(store, {
      stopped: () => false,
      onRetry: (_, attempt) => retries.push(attempt),
      firstDelayMs: 1,
    })
    expect(result).toBe('stored')
    expect(calls()).toBe(4)
    expect(retries).toEqual([1, 2, 3])
  })

  it('still stores after a passing failure while the ingest stops (a drain loses nothing)', async () => {
    const { store } = failing(2)
    await expect(
      storeUntilDone(store, { stopped: () => true, onRetry: () => undefined, firstDelayMs: 1 }),
    ).resolves.toBe('stored')
  })

  it('gives up once stopping has lasted stoppingMs, with the last error', async () => {
    let clock = 0
    const { store, calls } = failing(Number.POSITIVE_INFINITY, new Error('database gone'))
    await expect(
      storeUntilDone(store, {
        stopped: () => true,
        onRetry: () => {
          clock += 400
        },
        firstDelayMs: 1,
        stoppingMs: 1000,
        now: () => clock,
      }),
    ).rejects.toThrow('database gone')
    // Tried at 0, 400 and 800 ms; the failure at 1200 ms is past the second it had.
    expect(calls()).toBe(4)
  })
})
