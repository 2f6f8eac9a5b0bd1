import type { Hocuspocus } from '@hocuspocus/server'
import { documentName, ReactionsDoc } from '@podium/shared'
import pino from 'pino'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { SessionReactions } from '../src/reactions/publisher.ts'
import type { ReactionRepository } from '../src/reactions/repository.ts'
import type { ClosedWindow } from '../src/reactions/windows.ts'

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

it('shows each window to the room while the database has not stored the one before', async () => {
  const doc = new Y.Doc()
  const hocuspocus = { documents: new Map([[documentName.public('s1'), doc]]) }
  // A database with ten thousand attendees' writes queued ahead: the first row takes
  // far longer than a window.
  const stored: ClosedWindow[] = []
  let release = () => {}
  const busy = new Promise<void>((resolve) => {
    release = resolve
  })
  const repo = {
    store: async (_session: string, _instance: string, window: ClosedWindow) => {
      await busy
      stored.push(window)
    },
  } as unknown as ReactionRepository
  let idle = 0
  const session = new SessionReactions('s1', {
    hocuspocus: hocuspocus as unknown as Hocuspocus,
    repo,
    instanceId: 'i1',
    log: pino({ level: 'silent' }),
    clock: Date.now,
    events: { committed() {} },
    idle: () => idle++,
  })
  const shown = () => new ReactionsDoc(doc).latest()

  session.add('clap', Date.now())
  session.add('clap', Date.now())
  await vi.advanceTimersByTimeAsync(1_100)
  session.add('love', Date.now())
  await vi.advanceTimersByTimeAsync(1_100)
  expect(shown()).toEqual({ second: 1_001_000, counts: { love: 1 } })
  expect(new ReactionsDoc(doc).totals()).toEqual({ clap: 2, love: 1 })
  expect(stored).toEqual([])
  expect(idle).toBe(0)

  release()
  await session.flush()
  expect(stored.map((w) => [w.second, w.counts])).toEqual([
    [1_000_000, { clap: 2 }],
    [1_001_000, { love: 1 }],
  ])
  expect(idle).toBe(1)
})
