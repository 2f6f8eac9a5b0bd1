import { describe, expect, it } from 'vitest'
import { SessionLifetime } from '../src/ingest/lifetime.ts'

// How long a session's ingest state is held: while its documents are loaded, for a while
// after the last activity, and while its parts say they are busy.

describe('session lifetime', () => {
  it('holds the session while a document is loaded and for idleMs after the last activity', () => {
    const lifetime = new SessionLifetime()
    const t0 = Date.now()
    lifetime.documentLoaded('session/s/user/ada')
    lifetime.documentLoaded('session/s')
    expect(lifetime.busy(t0 + 10_000, 1_000)).toEqual([
      'documents loaded: session/s/user/ada, session/s',
    ])
    lifetime.documentUnloaded('session/s/user/ada')
    lifetime.documentUnloaded('session/s')
    const unloaded = Date.now()
    expect(lifetime.busy(unloaded, 1_000)).toEqual(['recent activity'])
    expect(lifetime.busy(unloaded + 1_000, 1_000)).toEqual([])
    lifetime.touch(unloaded + 5_000)
    expect(lifetime.busy(unloaded + 5_500, 1_000)).toEqual(['recent activity'])
  })

  it('adds what its parts say, in order, only where it holds', () => {
    const lifetime = new SessionLifetime()
    lifetime.touch(0)
    expect(
      lifetime.busy(10, 5, [
        [true, 'a tick running or due'],
        [false, 'outboxes to scan'],
        [true, 'people present'],
      ]),
    ).toEqual(['a tick running or due', 'people present'])
  })
})
