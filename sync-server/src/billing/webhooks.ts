import { HttpProblem } from '@podium/shared/server'
import { sql } from 'kysely'
import type { Logger } from 'pino'
import type Stripe from 'stripe'
import type { Db } from '../db/connect.ts'
import { EventStatus, isHandled } from './events.ts'
import { type HandlerContext, handleEvent, type StoredEvent } from './handlers.ts'
import type { Effects } from './tickets.ts'

/** Tries before an event is given up on (and left for the operator to look at). */
export const MAX_ATTEMPTS = 8
/** How long a claimed event is someone's before another instance may take it. */
const LEASE_MS = 60_000

/** The wait before try `attempt` + 1: 1 s, 2 s, 4 s … at most 10 minutes. */
export function backoffMs(attempt: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempt - 1), 10 * 60_000)
}

/**
 * Verifies a webhook's signature with the SDK (Stripe's default tolerance of five minutes)
 * and stores the event by its id: a replay of a stored id changes nothing. Types Podium
 * does not act on are stored as `ignored`.
 */
export async function receiveEvent(
  db: Db,
  stripe: Stripe,
  secret: string,
  body: Buffer,
  signature: string | undefined,
  now: number,
  refused: (reason: 'missing' | 'stale' | 'signature') => void = () => undefined,
): Promise<{ id: string; type: string; duplicate: boolean; handled: boolean }> {
  if (!signature) {
    refused('missing')
    throw HttpProblem.badRequest(
      'The Stripe-Signature header is missing: only Stripe may call this endpoint.',
    )
  }
  let event: Stripe.Event
  try {
    event = stripe.webhooks.constructEvent(body, signature, secret)
  } catch (error) {
    const message = (error as Error).message
    const stale = /tolerance/i.test(message)
    refused(stale ? 'stale' : 'signature')
    throw HttpProblem.badRequest(
      stale
        ? 'The event is too old: its signature timestamp is outside the five minutes allowed. Stripe retries with a fresh one.'
        : 'The signature does not match this body and the webhook secret: check STRIPE_WEBHOOK_SECRET against the endpoint in Stripe.',
    )
  }
  const handled = isHandled(event.type)
  const inserted = await db.kysely
    .insertInto('stripe_events')
    .values({
      id: event.id,
      type: event.type,
      payload: body.toString('utf8'),
      status: handled ? EventStatus.queued : EventStatus.ignored,
      attempts: 0,
      next_attempt_at: now,
      created: event.created,
      received_at: now,
    })
    .onConflict((c) => c.column('id').doNothing())
    .executeTakeFirst()
  const duplicate = Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0
  return { id: event.id, type: event.type, duplicate, handled }
}

export interface WebhookWorkerDeps {
  db: Db
  log: Logger
  clock: () => number
  instanceId: string
  context: () => Omit<HandlerContext, 'now'>
  /** What a committed event asks for: sockets closed, mail sent. */
  after: (effects: Effects) => Promise<void>
  /** An event's handling failed: `final` when it was the last try (the event is `failed`). */
  failed?: (final: boolean) => void
  pollMs?: number
}

/**
 * The durable queue's worker: every instance polls; each event is claimed by one (a lease
 * and, on Postgres, SKIP LOCKED), handled in a transaction that marks it done, and tried
 * again later when it fails. Handling is serialized across instances by an advisory lock,
 * so two events about one payment never interleave.
 */
export class WebhookWorker {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private again = false
  private stopped = false

  constructor(private readonly deps: WebhookWorkerDeps) {}

  start(): void {
    this.stopped = false
    this.timer = setInterval(() => this.kick(), this.deps.pollMs ?? 1_000)
    this.timer.unref()
    this.kick()
  }

  /** Looks for due events now (after a webhook was stored). */
  kick(): void {
    if (this.stopped) return
    if (this.running) {
      this.again = true
      return
    }
    this.running = this.drain()
      .catch((error: unknown) =>
        this.deps.log.error({ err: error }, 'the webhook queue failed; it runs again shortly'),
      )
      .finally(() => {
        this.running = null
        if (this.again && !this.stopped) {
          this.again = false
          this.kick()
        }
      })
  }

  /** Resolves when nothing is left that is due (tests wait on it). */
  async idle(): Promise<void> {
    while (this.running) await this.running
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.idle()
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.stopped) return
      const event = await this.claim()
      if (!event) return
      await this.handle(event)
    }
  }

  private async claim(): Promise<{ id: string; payload: string; attempts: number } | undefined> {
    const { db, clock, instanceId } = this.deps
    const now = clock()
    const postgres = db.dialect === 'postgres'
    return db.kysely.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('stripe_events')
        .select('id')
        .where('status', '=', EventStatus.queued)
        .where('next_attempt_at', '<=', now)
        .orderBy('created')
        .orderBy('received_at')
        .limit(1)
        .$if(postgres, (q) => q.forUpdate().skipLocked())
        .executeTakeFirst()
      if (!due) return undefined
      return trx
        .updateTable('stripe_events')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          locked_by: instanceId,
          locked_until: now + LEASE_MS,
          next_attempt_at: now + LEASE_MS,
        }))
        .where('id', '=', due.id)
        .where('status', '=', EventStatus.queued)
        .returning(['id', 'payload', 'attempts'])
        .executeTakeFirst()
    })
  }

  private async handle(claimed: { id: string; payload: string; attempts: number }) {
    const { db, clock, instanceId, log } = this.deps
    const event = JSON.parse(claimed.payload) as StoredEvent
    let effects: Effects | undefined
    try {
      effects = await db.kysely.transaction().execute(async (trx) => {
        if (db.dialect === 'postgres')
          await sql`select pg_advisory_xact_lock(hashtext('podium-stripe-events'))`.execute(trx)
        const mine = await trx
          .updateTable('stripe_events')
          .set({ status: EventStatus.done, handled_at: clock(), last_error: null })
          .where('id', '=', claimed.id)
          .where('status', '=', EventStatus.queued)
          .where('locked_by', '=', instanceId)
          .executeTakeFirst()
        // Another instance took it over after our lease ran out, and handled it.
        if (Number(mine.numUpdatedRows) === 0) return undefined
        return handleEvent(trx, { ...this.deps.context(), now: clock() }, event)
      })
    } catch (error) {
      const message = (error as Error).message.slice(0, 500)
      const failed = claimed.attempts >= MAX_ATTEMPTS
      this.deps.failed?.(failed)
      log.warn(
        { err: error, event: claimed.id, type: event.type, attempts: claimed.attempts },
        failed
          ? 'a Stripe event failed for the last time'
          : 'a Stripe event failed; it is tried again',
      )
      await db.kysely
        .updateTable('stripe_events')
        .set({
          status: failed ? EventStatus.failed : EventStatus.queued,
          next_attempt_at: clock() + backoffMs(claimed.attempts),
          locked_by: null,
          locked_until: null,
          last_error: message,
        })
        .where('id', '=', claimed.id)
        .execute()
      return
    }
    if (effects) await this.deps.after(effects)
  }
}
