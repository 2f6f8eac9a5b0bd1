import { describe, expect, it } from 'vitest'
import { shownAfter } from '../src/scenarios/polls.ts'

describe('shownAfter (the poll storm’s projector delays)', () => {
  it('pairs the k-th answer written with the moment the total first reached k', () => {
    // Answers written at 0, 10, 20, 30 ms; the projector saw 2 at 50 ms and 4 at 100 ms.
    const delays = shownAfter(
      [0, 10, 20, 30],
      [
        [50, 2],
        [100, 4],
      ],
    )
    // 50, 40, 80, 70 → sorted 40, 50, 70, 80.
    expect(delays).toEqual({ p50: 70, p99: 80, max: 80 })
  })

  it('says nothing when the projector never showed every answer', () => {
    expect(shownAfter([0, 10], [[50, 1]])).toEqual({ p50: null, p99: null, max: null })
  })
})
