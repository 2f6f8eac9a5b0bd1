import { FeedKind, PeerKind, type StageSeat } from '@podium/shared'
import { type Accessor, createSignal } from 'solid-js'
import type { Measured } from '../quality/monitor.ts'
import { FeedState, FeedWatcher } from '../rtc/feed-watcher.ts'
import type { IceServers } from '../rtc/ice-servers.ts'
import { LinkState, PeerLink } from '../rtc/peer-link.ts'
import { watchBlocker } from '../rtc/support.ts'
import type { StageConnection } from './connection.ts'

/** One feed as the tiles show it. */
export interface FeedView {
  key: string
  seat: StageSeat
  feed: FeedKind
  state: FeedState
  stream: MediaStream | null
  measured: Measured | null
}

export interface Watching {
  feeds: Accessor<FeedView[]>
  link: Accessor<{ state: LinkState; detail: string | null } | null>
  /** Brings the watched feeds in line with the roster (call on every roster change). */
  reconcile(seats: StageSeat[]): void
  stop(): void
}

const keyOf = (userId: string, feed: FeedKind) => `${userId}:${feed}`

export interface WatchOptions {
  /**
   * Watch this person's own seat too: a projector opened by the host, who publishes from
   * another tab, shows the host's camera and screen like anyone else's.
   */
  includeSelf?: boolean
}

/**
 * The viewing side of the stage: one watch peer for this tab (opened only while
 * someone else is on stage) and a FeedWatcher per publisher feed in the roster.
 */
export function createWatching(
  connection: StageConnection,
  ice: IceServers,
  options: WatchOptions = {},
): Watching {
  const me = connection.identity
  const watchers = new Map<string, FeedWatcher>()
  const [views, setViews] = createSignal<Record<string, FeedView>>({})
  const [link, setLink] = createSignal<{ state: LinkState; detail: string | null } | null>(null)
  let peerLink: PeerLink | null = null
  let opening = false
  let latest: StageSeat[] = []
  let stopped = false

  const patch = (key: string, change: Partial<FeedView>) => {
    setViews((all) => {
      const current = all[key]
      return current ? { ...all, [key]: { ...current, ...change } } : all
    })
  }

  const wanted = (seats: StageSeat[]) =>
    seats
      .filter((seat) => options.includeSelf || seat.userId !== me.userId)
      .flatMap((seat) => [
        { seat, feed: FeedKind.camera },
        ...(seat.screen === 'added' ? [{ seat, feed: FeedKind.screen }] : []),
      ])

  const openLink = async () => {
    if (peerLink || opening) return
    opening = true
    try {
      const servers = await ice.get()
      if (stopped || wanted(latest).length === 0) return
      // Events that come before the link is in place are replayed once it is.
      let early: { state: LinkState; detail: string | null } | null = null
      const onState = (state: LinkState, detail: string | null) => {
        setLink({ state, detail })
        if (state === LinkState.open) reconcile(latest)
      }
      const opened: PeerLink = await PeerLink.open(me, PeerKind.watch, servers, {
        state: (state, detail) => {
          if (peerLink === opened) onState(state, detail)
          else if (!peerLink) early = { state, detail }
        },
        unavailable: (peerId) => {
          for (const watcher of watchers.values())
            if (watcher.peerId === peerId) watcher.unavailable()
        },
      })
      // The stage emptied (or the tab stopped watching) while the link was opening.
      if (stopped || wanted(latest).length === 0) {
        opened.close()
        return
      }
      peerLink = opened
      const pending = early as { state: LinkState; detail: string | null } | null
      onState(pending?.state ?? LinkState.connecting, pending?.detail ?? null)
    } finally {
      // Cleared whatever happened, so that the next time someone goes on stage a
      // link opens again.
      opening = false
    }
  }

  const closeLink = () => {
    peerLink?.close()
    peerLink = null
    setLink(null)
  }

  function reconcile(seats: StageSeat[]): void {
    latest = seats
    if (stopped) return
    const targets = wanted(seats)
    const keep = new Set(targets.map((t) => keyOf(t.seat.userId, t.feed)))
    for (const [key, watcher] of watchers) {
      if (keep.has(key)) continue
      watcher.stop()
      watchers.delete(key)
      setViews(({ [key]: _gone, ...rest }) => rest)
    }
    if (targets.length === 0) {
      closeLink()
      return
    }
    if (watchBlocker()) return
    if (!peerLink) {
      void openLink()
      return
    }
    const open = link()?.state === LinkState.open
    for (const { seat, feed } of targets) {
      const key = keyOf(seat.userId, feed)
      let watcher = watchers.get(key)
      if (watcher && watcher.peerId !== seat.peerId) {
        watcher.stop()
        watchers.delete(key)
        watcher = undefined
      }
      if (!watcher) {
        const created = new FeedWatcher(peerLink, seat.peerId, feed, me.name, {
          state: (state) => patch(key, { state }),
          stream: (stream) => patch(key, { stream }),
          measured: (measured) => patch(key, { measured }),
        })
        watcher = created
        watchers.set(key, created)
        setViews((all) => ({
          ...all,
          [key]: { key, seat, feed, state: created.state, stream: null, measured: null },
        }))
      } else {
        patch(key, { seat })
      }
      if (open) watcher.kick()
      // A full stage: wait rather than call; a place freeing up lets the call through.
      const full = seat.audience >= seat.cap
      if (full && watcher.state !== FeedState.live && watcher.state !== FeedState.full)
        watcher.full()
      else if (!full && watcher.state === FeedState.full) watcher.resume()
    }
  }

  return {
    feeds: () =>
      Object.values(views()).sort(
        (a, b) => a.seat.since - b.seat.since || a.key.localeCompare(b.key),
      ),
    link,
    reconcile,
    stop() {
      stopped = true
      for (const watcher of watchers.values()) watcher.stop()
      watchers.clear()
      closeLink()
    },
  }
}
