import { describe, expect, it } from 'vitest'
import { QualityLevel } from '../../../src/video/quality/stats.ts'
import {
  nextSubstream,
  RESUBSCRIBE,
  resubscribeDelay,
  startingSubstream,
} from '../../../src/video/sfu/sfu-watcher.ts'

describe('the simulcast layer a viewer asks the SFU for', () => {
  it('starts no higher than the tile shows', () => {
    expect(startingSubstream(240)).toBe(0)
    expect(startingSubstream(480)).toBe(1)
    expect(startingSubstream(1280)).toBe(2)
    expect(startingSubstream(0)).toBe(2)
  })

  it('steps down after two poor samples and up after five good ones, within its ceiling', () => {
    let state = { substream: 2 as 0 | 1 | 2, streak: { poor: 0, good: 0 } }
    const feed = (level: QualityLevel, ceiling: 0 | 1 | 2 = 2) => {
      state = nextSubstream(state.substream, level, state.streak, ceiling)
      return state.substream
    }
    expect(feed(QualityLevel.poor)).toBe(2)
    expect(feed(QualityLevel.poor)).toBe(1)
    expect(feed(QualityLevel.poor)).toBe(1)
    expect(feed(QualityLevel.poor)).toBe(0)
    expect(feed(QualityLevel.poor)).toBe(0)
    expect(feed(QualityLevel.poor)).toBe(0)
    // A fair sample breaks a good streak; five good ones in a row step up once.
    for (let i = 0; i < 4; i++) expect(feed(QualityLevel.good)).toBe(0)
    expect(feed(QualityLevel.fair)).toBe(0)
    for (let i = 0; i < 4; i++) expect(feed(QualityLevel.good)).toBe(0)
    expect(feed(QualityLevel.good)).toBe(1)
    for (let i = 0; i < 5; i++) feed(QualityLevel.good, 1)
    expect(state.substream).toBe(1)
  })
})

describe('subscribing again after the SFU hung up', () => {
  it('waits 0.5 s doubling to 8 s (with jitter), and gives up after 8 tries', () => {
    const most = Array.from({ length: 9 }, (_, i) => resubscribeDelay(i, () => 1))
    expect(most).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000, 8000, null])
    const least = Array.from({ length: 8 }, (_, i) => resubscribeDelay(i, () => 0))
    expect(least).toEqual([250, 500, 1000, 2000, 4000, 4000, 4000, 4000])
    expect(RESUBSCRIBE.tries).toBe(8)
  })
})
