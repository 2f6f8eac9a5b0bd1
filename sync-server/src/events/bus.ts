import type { Transaction } from 'kysely'
import type { Logger } from 'pino'
import type { Db } from '../db/connect.ts'
import type { Database } from '../db/schema.ts'
import { CoalescingRun } from '../workers/coalescing-run.ts'
import type { EventLog } from './log.ts'
import type { DomainEvent } from './types.ts'

/**
 * Handles one event inside the transaction that also moves the subscriber's cursor past it:
 * whatever the handler writes with `trx` is stored exactly when the event counts as handled.
 */
export type EventHandler = (event: DomainEvent, trx: Transaction<Database>) => Promise<void>

/**
 * Handles consecutive events at once (at most BATCH, in `seq` order), in the transaction
 * that moves the cursor past the last of them: for a subscriber that writes less when it
 * sums many events first (analytics' rollups in a vote storm).
 */
export type BatchHandler = (events: DomainEvent[], trx: Transaction<Database>) => Promise<void>

export interface SubscribeOptions {
  /** Where a subscriber seen for the first time starts: every stored event, or from now on. */
  from: 'start' | 'now'
  /** Told after a batch's transaction committed, with its events (live views use it). */
  committed?: (events: DomainEvent[]) => void
  /**
   * Runs at most this often: events stored meanwhile wait and are handled together, in
   * batches of up to 200. For a subscriber whose cost is mostly per batch (analytics: a
   * transaction, the state read and written once), so that a storm of events costs few
   * batches, not one per ingest tick. Default 0: at once.
   */
  minIntervalMs?: number
}

/** How many events one transaction of a subscriber takes on. */
const BATCH = 200
/** How long a subscriber waits after its handler failed before it tries that event again. */
const RETRY_MS = 1_000

/** Another instance moved the cursor first: this one's transaction is rolled back. */
class CursorMoved extends Error {}

/**
 * Delivers stored events to subscribers, each in `seq` order, each event once. A
 * subscriber's cursor is a row moved in the same transaction as its handler's writes (and
 * only from the value it read, so two instances never both handle one event); after a
 * restart it goes on after the last event it handled. The ingest calls `committed()` after
 * each store so subscribers run at once; a poll picks up what other instances stored.
 */
export class EventBus {
  private readonly subscribers = new Map<string, Subscriber>()
  private poller: NodeJS.Timeout | null = null

  constructor(
    private readonly db: Db,
    private readonly events: EventLog,
    private readonly log: Logger,
    private readonly pollMs = 1_000,
  ) {}

  subscribe(
    name: string,
    handle: EventHandler,
    options: SubscribeOptions = { from: 'start' },
  ): void {
    this.subscribeBatch(
      name,
      async (events, trx) => {
        for (const event of events) await handle(event, trx)
      },
      options,
    )
  }

  /** Like subscribe, with the handler given each batch of events whole. */
  subscribeBatch(
    name: string,
    handle: BatchHandler,
    options: SubscribeOptions = { from: 'start' },
  ): void {
    if (this.subscribers.has(name)) throw new Error(`an event subscriber named ${name} exists`)
    const subscriber = new Subscriber(name, handle, options, this.db, this.events, this.log)
    this.subscribers.set(name, subscriber)
    subscriber.wake()
    if (!this.poller) {
      this.poller = setInterval(() => this.committed(), this.pollMs)
      this.poller.unref()
    }
  }

  /** New events are stored: every subscriber takes them up now. */
  committed(): void {
    for (const s of this.subscribers.values()) s.wake()
  }

  /** Resolves once every subscriber has handled every event stored so far (tests, shutdown). */
  async drain(): Promise<void> {
    await Promise.all([...this.subscribers.values()].map((s) => s.drain()))
  }

  async stop(): Promise<void> {
    if (this.poller) clearInterval(this.poller)
    this.poller = null
    await Promise.all([...this.subscribers.values()].map((s) => s.stop()))
    this.subscribers.clear()
  }
}

class Subscriber {
  private stopped = false
  private readonly runs = new CoalescingRun(
    () => this.run(),
    () => !this.stopped,
  )
  private retry: NodeJS.Timeout | null = null
  /** When the last run began (performance.now()). */
  private lastRun = Number.NEGATIVE_INFINITY
  /** Drains under way: runs do not wait for the minimum interval meanwhile. */
  private hurry = 0
  /** Ends a run's wait for the minimum interval now. */
  private cutShort: (() => void) | null = null

  constructor(
    private readonly name: string,
    private readonly handle: BatchHandler,
    private readonly options: SubscribeOptions,
    private readonly db: Db,
    private readonly events: EventLog,
    private readonly log: Logger,
  ) {}

  wake(): void {
    this.runs.request()
  }

  async drain(): Promise<void> {
    this.hurry++
    this.cutShort?.()
    try {
      while (this.runs.running || this.retry) {
        if (this.runs.running) await this.runs.running
        else await new Promise((r) => setTimeout(r, 20))
      }
      // One more pass: events stored while the last one ran.
      this.wake()
      await this.runs.running
    } finally {
      this.hurry--
    }
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.cutShort?.()
    if (this.retry) clearTimeout(this.retry)
    this.retry = null
    await this.runs.running
  }

  private async run(): Promise<void> {
    const wait = this.lastRun + (this.options.minIntervalMs ?? 0) - performance.now()
    if (wait > 0 && this.hurry === 0)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait)
        this.cutShort = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    this.cutShort = null
    this.lastRun = performance.now()
    try {
      while (!this.stopped && (await this.step())) {}
    } catch (error) {
      if (error instanceof CursorMoved) {
        // Another instance handled these first: look again once this run is over.
        this.runs.request()
        return
      }
      this.log.error({ err: error, subscriber: this.name }, 'an event subscriber failed; retrying')
      if (!this.stopped && !this.retry) {
        this.retry = setTimeout(() => {
          this.retry = null
          this.wake()
        }, RETRY_MS)
      }
    }
  }

  /** Handles the next batch of events; false when there was none. */
  private async step(): Promise<boolean> {
    const cursor = await this.cursor()
    const handled = await this.db.kysely.transaction().execute(async (trx) => {
      const batch = await this.events.after(cursor, BATCH, trx)
      if (batch.length === 0) return batch
      await this.handle(batch, trx)
      const moved = await trx
        .updateTable('event_cursors')
        .set({ seq: batch.at(-1)!.seq, updated_at: Date.now() })
        .where('subscriber', '=', this.name)
        .where('seq', '=', cursor)
        .executeTakeFirst()
      if (Number(moved.numUpdatedRows) !== 1) throw new CursorMoved()
      return batch
    })
    if (handled.length === 0) return false
    try {
      this.options.committed?.(handled)
    } catch (error) {
      this.log.error({ err: error, subscriber: this.name }, 'a committed listener failed')
    }
    return true
  }

  /** The subscriber's cursor, made on first use from `options.from`. */
  private async cursor(): Promise<number> {
    const k = this.db.kysely
    const row = await k
      .selectFrom('event_cursors')
      .select('seq')
      .where('subscriber', '=', this.name)
      .executeTakeFirst()
    if (row) return Number(row.seq)
    const seq = this.options.from === 'now' ? await this.events.last() : 0
    await k
      .insertInto('event_cursors')
      .values({ subscriber: this.name, seq, updated_at: Date.now() })
      .onConflict((oc) => oc.doNothing())
      .execute()
    return this.cursor()
  }
}
