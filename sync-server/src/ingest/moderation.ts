import {
  type Actor,
  type AuditEntry,
  editOrderOf,
  type ModDoc,
  type PendingItem,
  type PublicDoc,
  type Receipt,
  RejectReason,
} from '@podium/shared'
import { type EventData, EventType } from '../events/types.ts'
import { newQuestion } from './decide.ts'
import type { EntryAuthor, IngestBatch } from './repository.ts'
import { shown } from './tallies.ts'

/** What the tick knows when it carries out moderators' decisions. */
export interface ModerationContext {
  mod: ModDoc
  now: number
  counts: ReadonlyMap<string, number>
  /** Questions withdrawn earlier in this tick (their queue items are being removed). */
  withdrawn: ReadonlySet<string>
  /** Texts authors changed earlier in this tick, not yet in the queue item. */
  editedText: ReadonlyMap<string, string>
  /** Whether a question is published (or about to be, in this tick). */
  questionShown(id: string): boolean
  /** Who wrote the entry `itemId`, and what was decided for it (the database's record). */
  authorsOf(itemId: string): Promise<EntryAuthor[]>
  /**
   * Who set the decision, as the connection that delivered it says; null when no
   * connection of this server did (the decision was in the document as it was loaded).
   */
  actor(itemId: string): Actor | null
  /** A decision on a poll answer waiting for review, carried out by the polls (polls/). */
  pollReview(item: PendingItem, actor: Actor | null): Promise<void>
}

/** Where the tick collects what to write. */
export interface ModerationSink {
  publicOps: Array<(p: PublicDoc) => void>
  modOps: Array<(m: ModDoc) => void>
  batch: IngestBatch
  audit: AuditEntry[]
  receipt(userId: string, entryId: string, receipt: Receipt): void
  /** What happened, for the event seam. */
  event(data: EventData): void
}

/**
 * Carries out the decisions moderators wrote on queued items: an approved item is
 * published (an approved edit replaces its question's text), a rejected one moves to
 * `rejected`; either way it leaves the queue and the author's receipt says what happened.
 *
 * A decision counts only while its item is still waiting. Two moderators may decide the
 * same item at once, or decide while its author withdraws it; the first to reach the server
 * stands and later ones are dropped (the database says whether the item is still pending).
 * A reply approved after its question went away is refused as not found.
 */
export async function carryOutDecisions(
  ctx: ModerationContext,
  out: ModerationSink,
): Promise<void> {
  const { mod, now } = ctx
  for (const id of ctx.mod.staleDecisions()) out.modOps.push((m) => m.dequeue(id))
  for (const item of mod.queue()) {
    const decision = item.decision
    if (!decision) continue
    out.modOps.push((m) => m.dequeue(item.id))
    if (ctx.withdrawn.has(item.id)) continue
    if (item.kind === 'poll-answer') {
      const actor = ctx.actor(item.id)
      await ctx.pollReview(item, actor)
      out.audit.push(auditOf(item, decision, actor, now))
      continue
    }
    // The author is the one whose entry waits for this decision: an item that names nobody
    // does not say who wrote it. None waiting: another decision came first. No entry at
    // all: an item that came with an imported session, whose author is nobody here.
    const authors = await ctx.authorsOf(item.id)
    const waiting = authors.find(
      (a) => a.status === 'pending' && (item.authorId === null || a.userId === item.authorId),
    )
    if (!waiting && authors.length > 0) continue
    const authorId = waiting?.userId ?? item.authorId
    const seq = waiting?.seq ?? 1
    const actor = ctx.actor(item.id)
    const text = ctx.editedText.get(item.id) ?? item.text
    // A reply or an edit whose question has gone meanwhile has nothing to go to.
    const orphan =
      item.kind !== 'question' && !(item.questionId && ctx.questionShown(item.questionId))
    const settle = (
      status: Receipt['status'],
      reason: RejectReason | null,
      detail: string | null,
    ) => {
      if (authorId === null) return
      out.batch.decided.push({
        userId: authorId,
        entryId: item.id,
        seq,
        status,
        reason,
        detail,
      })
      out.receipt(authorId, item.id, {
        status,
        seq,
        at: now,
        ...(reason ? { reason } : {}),
        ...(detail ? { detail } : {}),
      })
    }
    const by = actor?.userId ?? null
    if (decision.action === 'approve' && orphan) {
      settle('rejected', RejectReason.notFound, null)
    } else if (decision.action === 'approve') {
      out.publicOps.push(publishApproved(item, text, ctx))
      settle('accepted', null, null)
      if (authorId !== null && item.kind === 'question')
        out.event({ type: EventType.questionPublished, questionId: item.id, authorId, by })
      else if (authorId !== null && item.kind === 'reply' && item.questionId)
        out.event({
          type: EventType.replyPosted,
          replyId: item.id,
          questionId: item.questionId,
          authorId,
          by,
        })
    } else {
      if (authorId !== null && item.kind === 'question')
        out.event({
          type: EventType.questionRejected,
          questionId: item.id,
          authorId,
          reason: RejectReason.moderatorRejected,
          by,
        })
      const reason = decision.reason ?? ''
      out.modOps.push((m) =>
        m.putRejected({
          id: item.id,
          kind: item.kind,
          questionId: item.questionId,
          text,
          authorId: item.authorId,
          authorName: item.authorName,
          createdAt: item.createdAt,
          reason,
          by: actor?.userId ?? null,
          at: now,
        }),
      )
      settle('rejected', RejectReason.moderatorRejected, reason || null)
    }
    out.audit.push(auditOf(item, decision, actor, now))
  }
}

function auditOf(
  item: PendingItem,
  decision: NonNullable<PendingItem['decision']>,
  actor: Actor | null,
  now: number,
): AuditEntry {
  return {
    at: now,
    actorId: actor?.userId ?? null,
    actorName: actor?.name ?? null,
    actorRole: actor?.role ?? null,
    action: decision.action === 'approve' ? `approve-${item.kind}` : `reject-${item.kind}`,
    targetId: item.id,
    ...(decision.action === 'reject' && decision.reason ? { detail: decision.reason } : {}),
  }
}

/** What an approved item changes in the public document. */
function publishApproved(
  item: PendingItem,
  text: string,
  ctx: ModerationContext,
): (p: PublicDoc) => void {
  switch (item.kind) {
    case 'question':
      return (p) =>
        p.putQuestion({
          ...newQuestion(item.id, text, item.authorId, item.authorName, item.createdAt),
          votes: shown(ctx.counts, item.id),
        })
    case 'reply': {
      const questionId = item.questionId!
      return (p) =>
        p.putReply({
          id: item.id,
          questionId,
          text,
          authorId: item.authorId,
          authorName: item.authorName,
          authorRole: 'attendee',
          createdAt: item.createdAt,
          hidden: false,
        })
    }
    case 'edit': {
      const questionId = item.questionId!
      const editOrder = editOrderOf(item)
      return (p) => {
        // An older edit approved after a newer one was applied leaves the newer text (ING-MOD-11).
        const current = p.question(questionId)?.editOrder
        if (current !== undefined && current >= editOrder) return
        p.updateQuestion(questionId, { text, editedAt: ctx.now, editOrder })
      }
    }
    case 'poll-answer':
      // Carried out by the polls (ctx.pollReview); nothing of it goes here.
      return () => {}
    default: {
      const unknown: never = item.kind
      throw new Error(`unknown pending kind ${String(unknown)}`)
    }
  }
}
