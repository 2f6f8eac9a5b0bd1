import { describe, expect, it } from 'vitest'
import { RecentUsers } from '../src/limits/recent-users.ts'

describe('RecentUsers', () => {
  it('keeps a user’s state while used, forgets it once idle, and holds at most capacity', () => {
    let now = 0
    let made = 0
    const users = new RecentUsers({
      capacity: 3,
      idleMs: 1_000,
      now: () => now,
      create: () => ++made,
    })
    expect(users.use('a')).toBe(1)
    now = 900
    expect(users.use('a')).toBe(1)
    expect(users.use('b')).toBe(2)
    // Used 900 ms ago: still known after the sweep; b was used 100 ms ago.
    now = 1_800
    expect(users.use('c')).toBe(3)
    expect(users.use('a')).toBe(1)
    expect(users.size).toBe(3)
    // Past capacity the longest-known goes.
    expect(users.use('d')).toBe(4)
    expect(users.size).toBe(3)
    expect(users.use('a')).toBe(5)
    // Untouched for idleMs, everyone is forgotten but the one just used.
    now = 10_000
    expect(users.use('e')).toBe(6)
    expect(users.size).toBe(1)
  })
})
