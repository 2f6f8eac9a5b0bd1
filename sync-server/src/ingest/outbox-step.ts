import type { Document } from '@hocuspocus/server'
import { type ModDoc, OutboxDoc, type PublicDoc, RejectReason } from '@podium/shared'
import { EventType } from '../events/types.ts'
import { handStep } from '../hands/hand-step.ts'
import type { Metrics } from '../observability/metrics.ts'
import { decidePollAnswer } from '../polls/answer-step.ts'
import type { PollTick } from '../polls/poll-tick.ts'
import { type Decision, decide, type QaEntry } from './decide.ts'
import { isStateEntry, type ScanItem, scanOutbox, toReceipt } from './outbox-scan.ts'
import type { TickPlan } from './plan.ts'
import type { Decided, EntryAuthor, UserState } from './repository.ts'
import { shown, type Tallies } from './tallies.ts'
import type { UserRates } from './user-rates.ts'

/** Past this many entries an outbox takes only votes. */
const OUTBOX_ENTRY_CEILING = 5_000

export interface OutboxStepContext {
  pub: PublicDoc
  mod: ModDoc | null
  /** The tick's working tally. */
  counts: Map<string, number>
  tallies: Tallies
  /** The tick's view of the session's polls. */
  polls: PollTick
  rates: UserRates
  metrics: Metrics
  /** The user's loaded outbox, if it is loaded here. */
  outbox(userId: string): Document | undefined
  userState(userId: string): Promise<UserState>
  /** Who has an entry with each of these ids, and what was decided (the database's record). */
  authorsOf(entryIds: string[]): Promise<Map<string, EntryAuthor[]>>
}

/** A user whose votes the tick changed: what to remember once it is stored. */
export interface UserUpdate {
  userId: string
  state: UserState
  votes: Set<string>
}

/**
 * The outbox step: every changed outbox's new entries decided (decide.ts), in the order
 * scanOutbox gives, with receipts, decisions, votes, document changes and events written
 * into the plan.
 */
export async function decideOutboxes(
  users: Array<[string, Set<string> | 'all']>,
  ctx: OutboxStepContext,
  plan: TickPlan,
): Promise<UserUpdate[]> {
  const updates: UserUpdate[] = []
  for (const [userId, changed] of users) {
    const outboxDoc = ctx.outbox(userId)
    if (!outboxDoc) continue
    const state = await ctx.userState(userId)
    const outbox = new OutboxDoc(outboxDoc)
    const raw = changed === 'all' ? outbox.rawEntries() : outbox.rawEntriesOf(changed)
    const scanned = scanOutbox(raw, (id) => outbox.receipt(id), state)
    const { items, othersUse } = await againstStored(userId, scanned, state, ctx)
    const votes = new Set(state.votes)
    // Read once per user: nothing awaits between here and this user's last entry.
    const user = {
      userId,
      state,
      votes,
      othersUse,
      full: outbox.entryCount() > OUTBOX_ENTRY_CEILING,
    }
    for (const item of items) decideItem(item, user, ctx, plan)
    updates.push({ userId, state, votes })
  }
  return updates
}

/**
 * The new entries checked against the database's record before they are decided. An entry
 * of this user's that is decided there already (by another instance that had the outbox
 * loaded too, after this one read the user's state) is not decided again: its receipt is
 * written from the record. And the ids of new questions, replies and edits that another
 * author's entry already has (withdrawn and refused ones too, which no document shows any
 * more): see DecideContext.taken. Votes, hands and poll answers, the bulk of what is sent,
 * ask nothing of the database here (votes are decided against the table in the commit).
 */
async function againstStored(
  userId: string,
  scanned: ScanItem[],
  state: UserState,
  ctx: OutboxStepContext,
): Promise<{ items: ScanItem[]; othersUse: Set<string> }> {
  const othersUse = new Set<string>()
  const ids: string[] = []
  for (const item of scanned)
    if (item.kind === 'new' && !isStateEntry(item.entry)) ids.push(item.entry.id)
  if (ids.length === 0) return { items: scanned, othersUse }
  const mine = new Map<string, Decided>()
  for (const [id, authors] of await ctx.authorsOf(ids)) {
    for (const { userId: author, ...decided } of authors) {
      if (author === userId) mine.set(id, decided)
      // Edits too: under pre-moderation one is queued as an item under its own id.
      else othersUse.add(id)
    }
  }
  const items = scanned.map((item): ScanItem => {
    if (item.kind !== 'new') return item
    const decided = mine.get(item.entry.id)
    if (!decided) return item
    state.decided.set(item.entry.id, decided)
    return { kind: 'known', entryId: item.entry.id, receipt: toReceipt(decided) }
  })
  return { items, othersUse }
}

interface UserInTick {
  userId: string
  state: UserState
  votes: Set<string>
  othersUse: Set<string>
  full: boolean
}

function decideItem(item: ScanItem, user: UserInTick, ctx: OutboxStepContext, plan: TickPlan) {
  const { userId } = user
  const { now } = plan
  if (item.kind === 'known') {
    plan.receipt(userId, item.entryId, item.receipt)
    return
  }
  if (item.kind === 'invalid') {
    plan.receipt(userId, item.entryId, {
      status: 'rejected',
      seq: item.seq,
      at: now,
      reason: item.reason,
    })
    ctx.metrics.ingested.labels('invalid', 'rejected').inc()
    return
  }
  const entry = item.entry
  if (entry.type === 'poll-answer') {
    const allow = () => ctx.rates.allow(userId, 'vote')
    const status = decidePollAnswer(
      entry,
      { userId, name: user.state.name, preModeration: ctx.pub.settings().preModeration },
      ctx.polls,
      allow,
      plan,
    )
    ctx.metrics.ingested.labels(entry.type, status).inc()
    return
  }
  const decision: Decision =
    user.full && !isStateEntry(entry)
      ? { kind: 'reject', reason: RejectReason.outboxFull }
      : decide(entry, decideContext(user, ctx, plan))
  const status =
    decision.kind === 'reject' ? 'rejected' : decision.kind === 'queue' ? 'pending' : 'accepted'
  ctx.metrics.ingested.labels(entry.type, status).inc()
  ctx.metrics.observeDecided(entry.type, entry.createdAt)
  plan.made.push({ type: entry.type, createdAt: entry.createdAt })
  const reason = decision.kind === 'reject' ? decision.reason : null
  plan.receipt(userId, entry.id, { status, seq: entry.seq, at: now, ...(reason ? { reason } : {}) })
  if (entry.type !== 'vote' && entry.type !== 'hand') {
    plan.batch.decided.push({
      userId,
      entryId: entry.id,
      first: true,
      seq: entry.seq,
      status,
      reason,
      detail: null,
    })
  }
  carryOut(decision, entry, user, ctx, plan)
}

function decideContext(user: UserInTick, ctx: OutboxStepContext, plan: TickPlan) {
  const { pub, mod } = ctx
  const { userId, state } = user
  return {
    userId,
    userName: state.name,
    meta: pub.meta(),
    settings: pub.settings(),
    now: plan.now,
    question: (id: string) =>
      plan.removed.has(id) ? undefined : (plan.added.get(id) ?? pub.questionGate(id)),
    pending: (id: string) =>
      plan.removed.has(id) ? undefined : (plan.queued.get(id) ?? mod?.pending(id)),
    asked: (id: string) => {
      const status = state.decided.get(id)?.status
      return plan.claimed.get(id) === userId || status === 'accepted' || status === 'pending'
    },
    taken: (id: string) =>
      plan.claimed.has(id) ||
      user.othersUse.has(id) ||
      pub.hasQuestion(id) ||
      pub.hasReply(id) ||
      mod?.pending(id) !== undefined ||
      mod?.hasRejected(id) === true,
    allow: (kind: 'post' | 'vote' | 'hand') => ctx.rates.allow(userId, kind),
  }
}

/** What a decision does to the documents, the batch and the events. */
function carryOut(
  decision: Decision,
  entry: QaEntry,
  user: UserInTick,
  ctx: OutboxStepContext,
  plan: TickPlan,
): void {
  const askedId = entry.type === 'ask' ? entry.questionId : null
  const { userId, votes } = user
  const { counts } = ctx
  switch (decision.kind) {
    case 'publish-question': {
      const question = decision.question
      plan.event({
        type: EventType.questionAsked,
        questionId: question.id,
        authorId: userId,
        queued: false,
      })
      plan.event({
        type: EventType.questionPublished,
        questionId: question.id,
        authorId: userId,
        by: null,
      })
      plan.claimed.set(question.id, userId)
      plan.added.set(question.id, question)
      plan.publicOps.push((p) => p.putQuestion({ ...question, votes: shown(counts, question.id) }))
      return
    }
    case 'publish-reply': {
      const reply = decision.reply
      plan.event({
        type: EventType.replyPosted,
        replyId: reply.id,
        questionId: reply.questionId,
        authorId: userId,
        by: null,
      })
      plan.claimed.set(reply.id, userId)
      plan.publicOps.push((p) => p.putReply(reply))
      return
    }
    case 'queue': {
      const item =
        decision.item.kind === 'edit' && decision.item.questionId
          ? { ...decision.item, editOrder: nextEditOrder(decision.item.questionId, ctx, plan) }
          : decision.item
      if (item.kind === 'question')
        plan.event({
          type: EventType.questionAsked,
          questionId: item.id,
          authorId: userId,
          queued: true,
        })
      plan.claimed.set(item.id, userId)
      plan.queued.set(item.id, item)
      plan.modOps.push((m) => m.enqueue(item))
      return
    }
    case 'edit': {
      const { questionId, text } = decision
      if (decision.where === 'public') {
        const editOrder = nextEditOrder(questionId, ctx, plan)
        plan.publicOps.push((p) =>
          p.updateQuestion(questionId, { text, editedAt: plan.now, editOrder }),
        )
      } else {
        plan.editedText.set(questionId, text)
        plan.modOps.push((m) => m.editPending(questionId, text))
      }
      return
    }
    case 'withdraw': {
      const { questionId } = decision
      plan.event({
        type: EventType.questionWithdrawn,
        questionId,
        authorId: userId,
        queued: decision.where === 'queue',
      })
      plan.removed.add(questionId)
      if (decision.where === 'public') plan.publicOps.push((p) => p.removeQuestion(questionId))
      else plan.modOps.push((m) => m.dequeue(questionId))
      return
    }
    case 'vote': {
      const { questionId, up } = decision
      // Stored as wanted whatever this instance knows of the user's votes: the commit adds
      // or removes the row only if it is not so already (ING-VOTE-5), and says whether it
      // did. The tally counts it now if the votes known here say it changes something; the
      // tick puts the count right after the commit if the table said otherwise.
      const counted = up !== votes.has(questionId)
      const { seq } = entry
      if (up) {
        votes.add(questionId)
        plan.batch.votesAdded.push({ userId, questionId, seq })
      } else {
        votes.delete(questionId)
        plan.batch.votesRemoved.push({ userId, questionId, seq })
      }
      plan.votes.push({ userId, questionId, up, counted })
      // Stored only if the row changed (see IngestRepository.commit).
      plan.event({ type: EventType.voteCounted, questionId, userId, up })
      if (counted) ctx.tallies.vote(counts, questionId, up)
      return
    }
    case 'hand':
      handStep(decision.raised, userId, user.state.name, plan)
      return
    case 'reject':
      if (askedId)
        plan.event({
          type: EventType.questionRejected,
          questionId: askedId,
          authorId: userId,
          reason: decision.reason,
          by: null,
        })
      return
    default: {
      const unknown: never = decision
      throw new Error(`unknown decision ${JSON.stringify(unknown)}`)
    }
  }
}

/**
 * The order of an edit of a published question decided now: past every edit of it the
 * session knows (the one its text came from, those queued, those decided earlier in this
 * tick), and the tick's time unless that is behind them. So a newer edit orders after an
 * older one even when one tick stamps both with the same time, and an older one approved
 * later does not replace its text (ING-MOD-11).
 */
function nextEditOrder(questionId: string, ctx: OutboxStepContext, plan: TickPlan): number {
  const known = [
    ctx.pub.question(questionId)?.editOrder,
    ctx.mod?.latestEditOrder(questionId),
    plan.editOrders.get(questionId),
  ].filter((order) => order !== undefined)
  const order = Math.max(plan.now, ...known.map((o) => o + 1))
  plan.editOrders.set(questionId, order)
  return order
}
