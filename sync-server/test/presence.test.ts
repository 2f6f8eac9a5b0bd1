import type { ModDoc, PublicDoc } from '@podium/shared'
import { describe, expect, it } from 'vitest'
import { deviceClass } from '../src/auth/device-label.ts'
import type { EventData } from '../src/events/types.ts'
import { PRESENCE_PUBLISH_MS, PRESENCE_REFRESH_MS, Presence } from '../src/ingest/presence.ts'

// The presence step without sockets or documents: what it writes, when, and which
// participant events it announces.

function plan() {
  const events: EventData[] = []
  const publicOps: Array<(p: PublicDoc) => void> = []
  const modOps: Array<(m: ModDoc) => void> = []
  return { events, publicOps, modOps, event: (e: EventData) => events.push(e) }
}

describe('presence', () => {
  it('announces a join once, a leave once, and nothing for a second tab, every tick', () => {
    const presence = new Presence('i1')
    presence.changed('ada', 'Ada', 1)
    presence.changed('ada', 'Ada', 1)
    const first = plan()
    expect(presence.announce(first)).toEqual(['ada'])
    expect(first.events).toEqual([{ type: 'participant.joined', userId: 'ada' }])
    presence.stored([{ type: 'participant.joined', userId: 'ada' }])
    // Writing the count is throttled; announcing is not, and the write announces nothing.
    const written = plan()
    presence.write(0, written)
    expect(written.events).toEqual([])

    presence.changed('ada', 'Ada', -1)
    const second = plan()
    presence.announce(second)
    expect(second.events).toEqual([])

    presence.changed('ada', 'Ada', -1)
    const third = plan()
    presence.announce(third)
    expect(third.events).toEqual([{ type: 'participant.left', userId: 'ada' }])
    expect(presence.size).toBe(0)
  })

  it('writes at most once per PRESENCE_PUBLISH_MS unless forced, and takes back what a failed tick took', () => {
    const presence = new Presence('i1')
    presence.changed('bo', null, 1)
    expect(presence.due(0, false)).toBe(true)
    const taken = presence.write(0, plan())
    presence.changed('cy', null, 1)
    expect(presence.due(10, false)).toBe(false)
    expect(presence.waitMs(10)).toBe(PRESENCE_PUBLISH_MS - 10)
    expect(presence.due(10, true)).toBe(true)
    // The tick that wrote `bo` failed: it comes back with `cy`.
    presence.giveBack(taken)
    expect(presence.write(PRESENCE_PUBLISH_MS, plan()).sort()).toEqual(['bo', 'cy'])
    // An announcement whose tick failed is made again by the next one.
    const failed = presence.announce(plan())
    presence.giveBack([], failed)
    const again = plan()
    presence.announce(again)
    expect(again.events).toEqual([
      { type: 'participant.joined', userId: 'bo' },
      { type: 'participant.joined', userId: 'cy' },
    ])
  })

  it('re-reports the count only when others would soon see it as stale', () => {
    const presence = new Presence('i1')
    expect(presence.refresh(PRESENCE_REFRESH_MS, 0)).toBe(false)
    presence.changed('di', null, 1)
    presence.write(0, plan())
    expect(presence.refresh(10, 0)).toBe(false)
    expect(presence.refresh(PRESENCE_REFRESH_MS, 0)).toBe(true)
    expect(presence.write(PRESENCE_REFRESH_MS, plan())).toEqual([''])
  })
})

describe('presence with the device class', () => {
  it('announces the class of the first connection that says one, never more of it', () => {
    const presence = new Presence('i1')
    presence.changed('ada', 'Ada', 1, 'phone')
    presence.changed('ada', 'Ada', 1, 'desktop')
    presence.changed('bo', 'Bo', 1)
    const out = plan()
    presence.announce(out)
    expect(out.events).toEqual([
      { type: 'participant.joined', userId: 'ada', device: 'phone' },
      { type: 'participant.joined', userId: 'bo' },
    ])
  })

  it('tells phones, tablets and desktops apart by the user agent', () => {
    const cases: Array<[string | undefined, string]> = [
      [
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
        'phone',
      ],
      [
        'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36',
        'phone',
      ],
      [
        'Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
        'tablet',
      ],
      [
        'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
        'tablet',
      ],
      [
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
        'desktop',
      ],
      ['Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0', 'desktop'],
      ['curl/8.5.0', 'unknown'],
      [undefined, 'unknown'],
    ]
    for (const [ua, device] of cases) expect(deviceClass(ua), ua).toBe(device)
  })
})
