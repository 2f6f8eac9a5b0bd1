import { Document, type Hocuspocus } from '@hocuspocus/server'
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

/** A session's publisher writing into `doc`, its rows to `repo`. */
function publisher(
  doc: Document,
  repo: Pick<ReactionRepository, 'store'> = { store: async () => {} },
  idle: () => void = () => {},
): SessionReactions {
  return new SessionReactions('s1', {
    hocuspocus: { documents: new Map([[doc.name, doc]]) } as unknown as Hocuspocus,
    repo: repo as ReactionRepository,
    instanceId: 'i1',
    log: pino({ level: 'silent' }),
    clock: Date.now,
    events: { committed() {} },
    idle,
  })
}

it('shows each window to the room while the database has not stored the one before', async () => {
  const doc = new Document(documentName.public('s1'))
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
  const session = publisher(doc, repo, () => idle++)
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

it('carries windows published together so a reader shows each of them', async () => {
  const doc = new Document(documentName.public('s1'))
  const repo = { store: async () => {} } as unknown as ReactionRepository
  const session = publisher(doc, repo)
  // A busy server: the timer fires only after a second window has closed too, and both
  // windows reach the reader as one update (the server merges a turn's writes).
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  session.add('clap', 1_000_100)
  session.add('love', 1_001_100)
  session.add('love', 1_001_200)
  vi.setSystemTime(1_002_500)
  await session.flush()
  expect(updates).toHaveLength(2)

  const reader = new Y.Doc()
  const seen: Array<Array<{ second: number; counts: object }>> = []
  const view = new ReactionsDoc(reader)
  view.observe(() => seen.push(view.windowsAfter(0)))
  Y.applyUpdate(reader, Y.mergeUpdates(updates))
  expect(seen).toEqual([
    [
      { second: 1_000_000, counts: { clap: 1 } },
      { second: 1_001_000, counts: { love: 2 } },
    ],
  ])
  // Only the newest is `latest`; a reader that has shown the first takes the second.
  expect(view.latest()).toEqual({ second: 1_001_000, counts: { love: 2 } })
  expect(view.windowsAfter(1_000_000)).toEqual([{ second: 1_001_000, counts: { love: 2 } }])
})

it('keeps the last five windows per instance and adds instances up per window', () => {
  const doc = new Y.Doc()
  const reactions = new ReactionsDoc(doc)
  for (let i = 0; i < 7; i++)
    reactions.publish('a', { second: i * 1000, counts: { clap: 1 }, totals: { clap: i + 1 } })
  reactions.publish('b', { second: 6000, counts: { clap: 2, wow: 1 }, totals: { clap: 2 } })
  expect(reactions.instance('a')?.recent?.map((w) => w.second)).toEqual([
    2000, 3000, 4000, 5000, 6000,
  ])
  expect(reactions.windowsAfter(4000)).toEqual([
    { second: 5000, counts: { clap: 1 } },
    { second: 6000, counts: { clap: 3, wow: 1 } },
  ])
  // An entry written before `recent` existed still reads as its one window.
  doc.getMap('reactions').set('old', { second: 7000, counts: { love: 4 }, totals: { love: 4 } })
  expect(reactions.windowsAfter(6000)).toEqual([{ second: 7000, counts: { love: 4 } }])
})

it('publishes a window as soon as a reaction comes after it closed, timers or not', () => {
  const doc = new Document(documentName.public('s1'))
  const flushed = vi.spyOn(doc, 'flush')
  const session = publisher(doc)
  // Node reads sockets that keep being readable before it runs its timers: the window's
  // timer has not fired, but the next reaction finds the window closed and publishes it.
  session.add('clap', 1_000_100)
  vi.setSystemTime(1_001_000 + 20)
  session.add('wow', 1_001_000 + 20)
  expect(new ReactionsDoc(doc).latest()).toEqual({ second: 1_000_000, counts: { clap: 1 } })
  // Sent to the room now, not once Node gets round to its immediates.
  expect(flushed).toHaveBeenCalled()
  void session.stop()
})
