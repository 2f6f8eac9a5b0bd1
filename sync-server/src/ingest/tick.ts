import { documentName, ModDoc, ModPolls, PublicDoc, PublicPolls } from '@podium/shared'
import type { Metrics } from '../observability/metrics.ts'
import { decidePollReview } from '../polls/review-step.ts'
import type { SessionPolls } from '../polls/session-polls.ts'
import { applyPlan } from './apply.ts'
import { captureTransaction } from './capture.ts'
import type { Opened, SessionDocuments } from './documents.ts'
import { carryOutDecisions } from './moderation.ts'
import type { Opens } from './opens.ts'
import { decideOutboxes } from './outbox-step.ts'
import { emptyTaken, type PendingWork, type Taken } from './pending.ts'
import { TickPlan } from './plan.ts'
import type { Presence } from './presence.ts'
import { emptyBatch, type IngestBatch, type IngestRepository, type Stored } from './repository.ts'
import { shown, type Tallies } from './tallies.ts'
import { timerStep } from './timer-step.ts'
import type { UserRates } from './user-rates.ts'
import type { UserStates } from './user-states.ts'

/** The parts of a session's ingest a tick works with (SessionIngest holds them). */
export interface TickParts {
  sessionId: string
  repo: IngestRepository
  rates: UserRates
  metrics: Metrics
  /** Other instances write votes too: tallies are read back from the database after the store. */
  sharedCounts: boolean
  /** Told after a store, so event subscribers take up what it stored at once. */
  events: { committed(): void }
  /** The time the tick stamps its decisions and events with. */
  clock: () => number
  pending: PendingWork
  presence: Presence
  opens: Opens
  tallies: Tallies
  polls: SessionPolls
  users: UserStates
  documents: SessionDocuments
  /** Asks for a tick when presence may be written next. */
  schedulePresence(): void
  /** Stores a batch, trying again until it is stored. */
  store(batch: IngestBatch): Promise<Stored>
  /** Marks entries of an outbox to be scanned again by the next tick. */
  markOutbox(userId: string, entryIds: Iterable<string>): void
}

/**
 * One tick of a session's ingest: takes what is pending, runs the steps in order into one
 * TickPlan, applies it to the documents (held back from clients) and stores it. A tick that
 * fails before it changes any document gives back what it took on, and throws; `force`
 * writes presence however recently it was written (flush).
 */
export async function runTick(parts: TickParts, force: boolean): Promise<void> {
  const opened: Opened = []
  const taken = emptyTaken()
  try {
    await tickSteps(parts, opened, taken, force)
  } catch (error) {
    parts.pending.giveBack(taken)
    parts.presence.giveBack(taken.presence, taken.announced)
    parts.opens.giveBack(taken.opens)
    parts.tallies.giveBack(taken.recount)
    parts.polls.giveBack()
    throw error
  } finally {
    for (const close of opened) await close()
  }
}

async function tickSteps(
  parts: TickParts,
  opened: Opened,
  taken: Taken,
  force: boolean,
): Promise<void> {
  const { sessionId, repo, documents, pending, presence, tallies } = parts
  const presenceNow = presence.due(parts.clock(), force)
  // Presence that is not due yet waits for the tick that will be.
  if (presence.pending() && !presenceNow) parts.schedulePresence()
  const publicName = documentName.public(sessionId)
  const modName = documentName.mod(sessionId)
  const pubDoc = await documents.open(publicName, opened)
  const pub = new PublicDoc(pubDoc)
  const counts = await tallies.begin(pub)
  const audit = pending.takeAudit(taken)
  const plan = new TickPlan(sessionId, parts.clock(), audit)
  const { now } = plan
  const pubPolls = new PublicPolls(pubDoc)
  // 0. Polls: times stamped, quiz questions past their time closed (polls/).
  const polls = await parts.polls.begin(pubPolls, plan)

  // Moderation decisions need the mod document; load it only when something is pending there.
  const needMod =
    pending.decisionsPending || (pub.settings().preModeration && pending.outboxCount > 0)
  const modDoc =
    needMod || presenceNow || parts.polls.needsMod
      ? await documents.open(modName, opened)
      : documents.loaded(modName)
  const mod = modDoc ? new ModDoc(modDoc) : null
  documents.forgetNamelessAuthors(pub, mod, plan)
  if (modDoc) parts.polls.readSecrets(polls, new ModPolls(modDoc))

  // 1. Who came and went, before anything they did.
  taken.announced = presence.announce(plan)
  // 1b. Who opened the room or the projector (analytics counts them).
  taken.opens = parts.opens.announce(plan)

  // 2. Outbox entries: the authors not known yet read in one batch, not one by one.
  const outboxName = (userId: string) => documentName.outbox(sessionId, userId)
  const outboxes = pending.takeOutboxes(taken)
  await parts.users.prefetch(
    outboxes.map(([userId]) => userId).filter((id) => documents.loaded(outboxName(id))),
  )
  const userUpdates = await decideOutboxes(
    outboxes,
    {
      pub,
      mod,
      counts,
      tallies,
      polls,
      rates: parts.rates,
      metrics: parts.metrics,
      outbox: (userId) => documents.loaded(outboxName(userId)),
      userState: (userId) => parts.users.get(userId),
      authorsOf: (ids) => repo.authorsOf(sessionId, ids),
    },
    plan,
  )

  // 3. Moderators' decisions on queued items.
  if (mod && pending.takeDecisions(taken)) {
    await carryOutDecisions(
      {
        mod,
        now,
        counts,
        withdrawn: plan.removed,
        editedText: plan.editedText,
        questionShown: (id) => !plan.removed.has(id) && (plan.added.has(id) || pub.hasQuestion(id)),
        authorsOf: async (itemId) => (await repo.authorsOf(sessionId, [itemId])).get(itemId) ?? [],
        actor: (itemId) => pending.decisionActor(itemId),
        pollReview: async (item, actor) => {
          const author = await decidePollReview(
            item,
            actor,
            polls,
            parts.polls.findReview,
            now,
            plan,
          )
          // A poll answer's receipt is the only record of the decision its author gets (it
          // is state, not an entry decided once): the outbox is opened here if another
          // instance holds it, so the receipt reaches the author through the shared document.
          if (author) await documents.open(outboxName(author), opened)
        },
      },
      plan,
    )
  }

  // 4. Timer commands, stamped with the server's clock.
  if (pending.takeTimer(taken)) timerStep(pub, plan, (id) => pending.timerActorOf(id))

  // 5. Presence: the participant count, and who is in the room for moderators.
  if (presenceNow) taken.presence = presence.write(now, plan)

  // 6. Vote counts that changed, in the same public transaction.
  const recount = tallies.write(counts, plan.publicOps)
  taken.recount = recount

  // 6b. Quiz points, leaderboards and poll results, from the answers (polls/).
  parts.polls.finish(polls, pubPolls, plan)

  // 7. Apply to the documents, held back from clients until stored.
  const held = await applyPlan(plan, {
    pubDoc,
    pub,
    publicName,
    mod: async () => {
      const doc = modDoc ?? (await documents.open(modName, opened))
      return { doc, mod: mod ?? new ModDoc(doc), name: modName }
    },
    outbox: (userId) => {
      const name = outboxName(userId)
      const doc = documents.loaded(name)
      return doc ? { doc, name } : undefined
    },
  })

  // The documents hold this tick's changes now: store them, however long the database
  // takes, before anyone sees them or the next tick runs.
  const { batch } = plan
  const stored = await parts.store(batch)
  // Stored: nothing of it is to be given back should what follows fail.
  Object.assign(taken, emptyTaken())
  // Votes are decided against the table in the commit: where it did otherwise than the
  // tally counted, the count is put right, and stored, before anyone sees the tick's.
  const recounted = tallies.afterCommit(counts, plan.votes, stored)
  if (recounted.length > 0) {
    held.hold(pubDoc)
    const update = captureTransaction(pubDoc, () =>
      pub.setVoteCounts(recounted.map((id) => [id, shown(counts, id)])),
    )
    if (update) await parts.store({ ...emptyBatch(), updates: [{ name: publicName, update }] })
  }
  held.release()
  for (const { type, createdAt } of plan.made) parts.metrics.observeReceipted(type, createdAt)
  if (batch.events.length > 0) parts.events.committed()
  presence.stored(batch.events)
  tallies.stored(counts)
  parts.polls.stored(polls)
  parts.users.stored(userUpdates, batch, stored)
  // First decisions another instance had stored already: the stored ones' receipts next.
  const decidedBefore = new Map<string, string[]>()
  for (const { userId, entryId } of stored.decidedBefore)
    decidedBefore.set(userId, [...(decidedBefore.get(userId) ?? []), entryId])
  for (const [userId, ids] of decidedBefore) parts.markOutbox(userId, ids)
  const reread = [...new Set([...recount, ...recounted])]
  if (parts.sharedCounts && reread.length > 0) {
    await tallies.reconcile(pubDoc, pub, reread)
  }
}
