import type { Hocuspocus } from '@hocuspocus/server'
import { documentName, type ReactionCounts, type ReactionId, ReactionsDoc } from '@podium/shared'
import type { Logger } from 'pino'
import { whenReleased } from '../ingest/hold.ts'
import type { ReactionRepository } from './repository.ts'
import { type ClosedWindow, ReactionWindows } from './windows.ts'

/**
 * How long after a window closes it is published: reactions sent in its last
 * milliseconds may still be in a socket's buffer when the clock passes its end.
 */
export const PUBLISH_SLACK_MS = 20

/**
 * The origin of the publisher's writes: a server write that Persistence stores with its
 * debounce (one stored row for many windows), not a client's.
 */
export const REACTIONS_ORIGIN = { source: 'local', context: { reactions: true } } as const

export interface PublisherDeps {
  hocuspocus: Hocuspocus
  repo: ReactionRepository
  instanceId: string
  log: Logger
  clock: () => number
  /** Told after each stored window, so event subscribers take it up at once. */
  events: { committed(): void }
  /** Told once a session has nothing left to publish (its publisher can go). */
  idle(sessionId: string): void
}

/**
 * One session's reactions on this instance: counted per window (ReactionWindows), and
 * each closed window published once, PUBLISH_SLACK_MS after it closes: a row and its event
 * in one database transaction, then one write of the window's counts and this instance's
 * totals into the public document, which every client receives as one small update. Ten
 * thousand people reacting cost one write a second, not ten thousand.
 */
export class SessionReactions {
  private readonly windows = new ReactionWindows()
  private timer: NodeJS.Timeout | null = null
  /** The windows' rows, stored one after another, apart from publishing them. */
  private storing: Promise<void> = Promise.resolve()
  private unstored = 0
  private stopped = false
  private gone = false

  constructor(
    readonly sessionId: string,
    private readonly deps: PublisherDeps,
  ) {}

  add(reaction: ReactionId, at: number): void {
    this.windows.add(reaction, at)
    // A window due is published by the next reaction as well as by its timer: while
    // sockets keep being readable, Node reads them for up to seconds before it runs
    // timers, and at 10,000 people reacting each second windows reached the room 3 to 11
    // seconds late.
    const closes = this.windows.nextClose()
    if (closes !== null && at >= closes + PUBLISH_SLACK_MS) {
      if (this.timer) clearTimeout(this.timer)
      this.timer = null
      this.publishClosed()
    } else this.schedule()
  }

  private schedule(): void {
    if (this.timer || this.stopped) return
    const closes = this.windows.nextClose()
    if (closes === null) return
    const wait = Math.max(0, closes - this.deps.clock()) + PUBLISH_SLACK_MS
    this.timer = setTimeout(() => {
      this.timer = null
      this.publishClosed()
    }, wait)
  }

  /** Publishes every closed window now and waits for their rows (tests and shutdown; open ones wait). */
  async flush(): Promise<void> {
    this.publishClosed()
    await this.storing
  }

  /**
   * The room is shown each closed window at once and its row is stored behind it: with
   * the database busy (ten thousand attendees' writes queued ahead of it), waiting for
   * the row first held every later window back too, so the room saw none of them.
   */
  private publishClosed(): void {
    for (const window of this.windows.takeClosed(this.deps.clock())) {
      try {
        this.write(window)
      } catch (error) {
        // Logged and left behind: the row is stored and the next window published as usual.
        this.deps.log.error(
          { err: error, session: this.sessionId, second: window.second },
          'publishing reactions failed',
        )
      }
      this.unstored++
      this.storing = this.storing.then(() => this.store(window))
    }
    if (this.windows.empty) this.idleWhenStored()
    else this.schedule()
  }

  private async store(window: ClosedWindow): Promise<void> {
    try {
      await this.deps.repo.store(this.sessionId, this.deps.instanceId, window)
      this.deps.events.committed()
    } catch (error) {
      // The room still saw the counts; the window is missing from the stored history.
      this.deps.log.error(
        { err: error, session: this.sessionId, second: window.second },
        'storing reactions failed',
      )
    } finally {
      this.unstored--
      if (this.windows.empty) this.idleWhenStored()
    }
  }

  private idleWhenStored(): void {
    if (this.gone || this.unstored > 0 || this.timer || !this.windows.empty) return
    this.gone = true
    this.deps.idle(this.sessionId)
  }

  private write(window: ClosedWindow): void {
    const doc = this.deps.hocuspocus.documents.get(documentName.public(this.sessionId))
    // Nobody has the room open here: there is no one to show it to.
    if (!doc) return
    const reactions = new ReactionsDoc(doc)
    const { instanceId } = this.deps
    const totals: ReactionCounts = { ...reactions.instance(instanceId)?.totals }
    for (const [id, n] of Object.entries(window.counts) as Array<[ReactionId, number]>)
      totals[id] = (totals[id] ?? 0) + n
    doc.transact(
      () =>
        reactions.publish(instanceId, {
          second: window.second,
          counts: window.counts as Record<string, number>,
          totals: totals as Record<string, number>,
        }),
      REACTIONS_ORIGIN,
    )
    // Sent now rather than when Node next gets to its immediates (after every readable
    // socket has been read); a document the ingest holds sends it on release.
    if (whenReleased(doc) === null) doc.flush()
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.storing
  }
}
