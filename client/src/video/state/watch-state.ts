import { FeedKind, PeerKind, type StageSeat } from '@podium/shared'
import { type Accessor, createSignal } from 'solid-js'
import { type BroadcastView, BroadcastWatcher } from '../hls/broadcast-watcher.ts'
import type { Measured } from '../quality/monitor.ts'
import { FeedState, FeedWatcher } from '../rtc/feed-watcher.ts'
import type { IceServers } from '../rtc/ice-servers.ts'
import { LinkState, PeerLink } from '../rtc/peer-link.ts'
import { watchBlocker } from '../rtc/support.ts'
import { SfuLink, sfuAvailable } from '../sfu/sfu-link.ts'
import { type SfuLayer, SfuWatcher, startingSubstream } from '../sfu/sfu-watcher.ts'
import type { StageConnection } from './connection.ts'
import { feedPath } from './feed-path.ts'

/** One feed as the tiles show it. */
export interface FeedView {
  key: string
  seat: StageSeat
  feed: FeedKind
  state: FeedState
  stream: MediaStream | null
  measured: Measured | null
  /**
   * Through the SFU (past the mesh cap): the simulcast layer asked for and the one Janus
   * forwards (null until it reports one); null: direct.
   */
  sfu?: SfuLayer | null
  /** Through the HLS broadcast (past the SFU's cap): its status and playlist; null: not. */
  broadcast?: BroadcastView | null
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
  const watchers = new Map<string, FeedWatcher | SfuWatcher | BroadcastWatcher>()
  /** Whether the SFU answers (asked once someone is past the cap), and this tab's link to it. */
  let sfuUsable: boolean | null = null
  let sfuLink: SfuLink | null = null
  let sfuOpening = false
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
            if (watcher instanceof FeedWatcher && watcher.peerId === peerId) watcher.unavailable()
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
    sfuLink?.close()
    sfuLink = null
  }

  const syncSfu = () => {
    for (const watcher of watchers.values())
      if (watcher instanceof SfuWatcher) watcher.sync(sfuLink?.feeds ?? [])
      else if (watcher instanceof BroadcastWatcher) watcher.sync(sfuLink?.broadcast ?? null)
  }

  /** The SFU turned this feed's viewer away: watch the session's broadcast instead. */
  const toBroadcast = (key: string, userId: string) => {
    const previous = watchers.get(key)
    if (!(previous instanceof SfuWatcher)) return
    previous.stop()
    const created = new BroadcastWatcher(userId, {
      state: (state) => patch(key, { state }),
      broadcast: (broadcast) => patch(key, { broadcast }),
    })
    watchers.set(key, created)
    patch(key, { sfu: null, stream: null, measured: null, state: created.state })
    created.sync(sfuLink?.broadcast ?? null)
  }

  /** Asks whether the SFU answers, then opens this tab's link to it; reconciles after each. */
  const useSfu = async () => {
    if (sfuOpening || stopped) return
    sfuOpening = true
    try {
      if (sfuUsable === null) {
        sfuUsable = await sfuAvailable(me.token)
        if (!sfuUsable) return
        reconcile(latest)
      }
      if (sfuLink && !sfuLink.closed) return
      // Assigned once open; the first feed list comes before that and is read then.
      let opened: SfuLink | null = null
      opened = await SfuLink.open(me.token, {
        feeds: () => {
          if (sfuLink === opened) syncSfu()
        },
        broadcast: () => {
          if (sfuLink === opened) syncSfu()
        },
        closed: () => {
          if (sfuLink !== opened) return
          sfuLink = null
          // Revoked or refused: back to what the mesh allows. Otherwise reconnect.
          setTimeout(() => {
            if (
              !stopped &&
              [...watchers.values()].some(
                (w) => w instanceof SfuWatcher || w instanceof BroadcastWatcher,
              )
            )
              void useSfu()
          }, 2000)
          syncSfu()
        },
      })
      if (stopped) return opened.close()
      sfuLink = opened
      syncSfu()
    } catch {
      // The SFU went away: the watchers say "reconnecting" and try again.
    } finally {
      sfuOpening = false
    }
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
      const existing = watchers.get(key)
      // Turned away by the SFU, a viewer watches the broadcast while the seat lasts.
      if (existing instanceof BroadcastWatcher) {
        patch(key, { seat })
        if (!sfuLink) void useSfu()
        continue
      }
      if (existing instanceof SfuWatcher) {
        // Once through the SFU, a viewer stays there while the publisher offers it.
        if (seat.sfu !== false || existing.state !== FeedState.disconnected) {
          patch(key, { seat })
          continue
        }
        existing.stop()
        watchers.delete(key)
      }
      const camera = watchers.get(keyOf(seat.userId, FeedKind.camera))
      const atCap = seat.audience >= seat.cap
      const path = feedPath({
        feed,
        full: atCap,
        direct: existing instanceof FeedWatcher && existing.state === FeedState.live,
        seatOnSfu: seat.sfu === true,
        camera:
          camera instanceof SfuWatcher
            ? 'sfu'
            : camera instanceof BroadcastWatcher
              ? 'broadcast'
              : camera instanceof FeedWatcher
                ? 'direct'
                : 'none',
      })
      if (path === 'none') {
        existing?.stop()
        watchers.delete(key)
        continue
      }
      if (path === 'sfu') {
        if (sfuUsable === null || (sfuUsable && !sfuLink)) void useSfu()
        if (sfuUsable) {
          existing?.stop()
          // No layer larger than this window shows.
          const ceiling = startingSubstream(window.innerWidth)
          const created = new SfuWatcher(
            () => sfuLink,
            { sessionId: me.sessionId, userId: seat.userId, feed },
            () => ice.get(),
            ceiling,
            {
              state: (state) => patch(key, { state }),
              stream: (stream) => patch(key, { stream }),
              measured: (measured) => patch(key, { measured }),
              layer: (layer) => patch(key, { sfu: layer }),
              full: () => toBroadcast(key, seat.userId),
            },
          )
          watchers.set(key, created)
          setViews((all) => ({
            ...all,
            [key]: {
              key,
              seat,
              feed,
              state: created.state,
              stream: null,
              measured: null,
              sfu: { wanted: ceiling, forwarded: null },
            },
          }))
          if (sfuLink) created.sync(sfuLink.feeds)
          continue
        }
      }
      let watcher = existing instanceof FeedWatcher ? existing : undefined
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
          [key]: {
            key,
            seat,
            feed,
            state: created.state,
            stream: null,
            measured: null,
            sfu: null,
          },
        }))
      } else {
        patch(key, { seat })
      }
      if (open) watcher.kick()
      // A viewer already in the mesh's audience (watching the camera) has room for the screen.
      const full =
        atCap &&
        !(
          feed === FeedKind.screen &&
          camera instanceof FeedWatcher &&
          camera.state === FeedState.live
        )
      // A full stage without an SFU: wait rather than call; a place freeing up lets the call through.
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
