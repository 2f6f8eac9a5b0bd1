import { describe, expect, it } from 'vitest'
import { clockOffset, measureClockOffset } from '../../src/lib/clock.ts'
import { deriveStatus, OFFLINE_AFTER_FAILURES } from '../../src/lib/connection-status.ts'

describe('connection status', () => {
  it('is online while the socket is connected, and offline when the device says so otherwise', () => {
    expect(deriveStatus({ socket: 'connected', networkUp: true, failures: 0 })).toBe('online')
    expect(deriveStatus({ socket: 'connected', networkUp: false, failures: 0 })).toBe('online')
    expect(deriveStatus({ socket: 'connecting', networkUp: false, failures: 0 })).toBe('offline')
  })

  it('says connecting while retrying, and offline after repeated failures', () => {
    expect(deriveStatus({ socket: 'connecting', networkUp: true, failures: 0 })).toBe('connecting')
    expect(deriveStatus({ socket: 'disconnected', networkUp: true, failures: 1 })).toBe(
      'connecting',
    )
    const failures = OFFLINE_AFTER_FAILURES
    expect(deriveStatus({ socket: 'connecting', networkUp: true, failures })).toBe('offline')
  })
})

describe('server clock', () => {
  it('assumes the server read its clock halfway through the round trip', () => {
    expect(clockOffset(1_000, 5_050, 1_100)).toBe(4_000)
  })

  it('is whole milliseconds, so times made from it fit integer fields', () => {
    // An odd round trip puts the midpoint on half a millisecond.
    expect(clockOffset(1_000, 5_050, 1_101)).toBe(4_000)
    expect(Number.isInteger(clockOffset(1_000, 5_050, 1_103))).toBe(true)
  })

  it('keeps the sample with the shortest round trip', async () => {
    const times = [0, 400, 1_000, 1_020, 2_000, 2_300]
    const server = [10_000, 11_010, 12_000]
    const offset = await measureClockOffset(
      async () => server.shift()!,
      3,
      () => times.shift()!,
    )
    expect(offset).toBe(11_010 - 1_010)
  })
})
