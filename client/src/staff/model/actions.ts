import type { Label, PendingItem, Question, QuestionStatus, Reply } from '@podium/shared'
import { Limits, newId, PollLimits } from '@podium/shared'
import type { StaffRoom } from './room.ts'

/**
 * What staff do to a session, written straight into the public and moderators'
 * documents. Each returns null when done, or a sentence saying why it was not.
 */
export type ActionResult = string | null

type Decision = NonNullable<PendingItem['decision']>

function decision(room: StaffRoom, action: Decision['action'], reason?: string): Decision {
  return {
    action,
    ...(reason ? { reason } : {}),
    by: room.actor.userId,
    byName: room.actor.name,
    at: room.serverNow(),
  }
}

/** Marks a pending item approved; the server publishes it and removes it from the queue. */
export function approve(room: StaffRoom, id: string): ActionResult {
  if (!room.mod.pending(id)) return 'That item is no longer in the queue.'
  room.mod.decide(id, decision(room, 'approve'))
  return null
}

/** Marks a pending item rejected; the author sees the reason, nobody else sees the item. */
export function reject(room: StaffRoom, id: string, reason: string): ActionResult {
  const trimmed = reason.trim()
  if (trimmed.length > Limits.reasonLength) {
    return `The reason must be at most ${Limits.reasonLength} characters.`
  }
  if (!room.mod.pending(id)) return 'That item is no longer in the queue.'
  room.mod.decide(id, decision(room, 'reject', trimmed || undefined))
  return null
}

/** Takes back a decision the server has not carried out yet (it is still in the queue). */
export function undoDecision(room: StaffRoom, id: string): ActionResult {
  const item = room.mod.pending(id)
  if (!item) return 'The server has already carried out that decision.'
  room.mod.enqueue({ ...item, decision: null })
  return null
}

export function editPending(room: StaffRoom, id: string, text: string): ActionResult {
  const trimmed = text.trim()
  if (!trimmed) return 'The text must not be empty.'
  const item = room.mod.pending(id)
  if (!item) return 'That item is no longer in the queue.'
  const max =
    item.kind === 'reply'
      ? Limits.replyLength
      : item.kind === 'poll-answer'
        ? PollLimits.textLength
        : room.pub.settings().maxQuestionLength
  if (trimmed.length > max) return `The text must be at most ${max} characters.`
  room.mod.editPending(id, trimmed)
  return null
}

export function setPinned(room: StaffRoom, id: string, pinned: boolean): ActionResult {
  const done = room.pub.updateQuestion(id, {
    pinned,
    pinnedAt: pinned ? room.serverNow() : null,
  })
  return done ? null : 'That question no longer exists.'
}

export function setAnswered(room: StaffRoom, id: string, answered: boolean): ActionResult {
  const done = room.pub.updateQuestion(id, {
    answered,
    answeredAt: answered ? room.serverNow() : null,
  })
  return done ? null : 'That question no longer exists.'
}

/** Hide, archive, or restore (status `published`). Hiding or archiving ends a spotlight. */
export function setStatus(room: StaffRoom, id: string, status: QuestionStatus): ActionResult {
  let done = false
  room.pub.doc.transact(() => {
    done = room.pub.updateQuestion(id, { status })
    if (done && status !== 'published' && room.pub.stage().spotlightQuestionId === id) {
      room.pub.setStage({ spotlightQuestionId: null })
    }
  })
  return done ? null : 'That question no longer exists.'
}

/** Puts a question in the spotlight, or takes it out if it is there already. */
export function toggleSpotlight(room: StaffRoom, id: string): ActionResult {
  const question = room.pub.question(id)
  const current = room.pub.stage().spotlightQuestionId
  if (current === id) {
    room.pub.setStage({ spotlightQuestionId: null })
    return null
  }
  if (!question) return 'That question no longer exists.'
  if (question.status !== 'published') return 'Restore the question before putting it on screen.'
  room.pub.setStage({ spotlightQuestionId: id })
  return null
}

export function clearSpotlight(room: StaffRoom): void {
  room.pub.setStage({ spotlightQuestionId: null })
}

/** Colours for labels; each keeps AA contrast with white text. */
export const LABEL_COLORS = [
  '#1d4ed8',
  '#047857',
  '#b45309',
  '#b91c1c',
  '#6d28d9',
  '#be185d',
] as const

export function createLabel(room: StaffRoom, name: string, color: string): Label | string {
  const trimmed = name.trim()
  if (!trimmed) return 'A label needs a name.'
  if (trimmed.length > Limits.labelLength) {
    return `A label name must be at most ${Limits.labelLength} characters.`
  }
  const existing = room.pub.labels().find((l) => l.name.toLowerCase() === trimmed.toLowerCase())
  if (existing) return existing
  const label: Label = { id: newId(), name: trimmed, color }
  room.pub.putLabel(label)
  return label
}

export function toggleLabel(room: StaffRoom, question: Question, labelId: string): ActionResult {
  const current = room.pub.question(question.id)
  if (!current) return 'That question no longer exists.'
  const has = current.labels.includes(labelId)
  if (!has && current.labels.length >= Limits.labelsPerQuestion) {
    return `A question can have at most ${Limits.labelsPerQuestion} labels.`
  }
  const labels = has ? current.labels.filter((l) => l !== labelId) : [...current.labels, labelId]
  room.pub.updateQuestion(question.id, { labels })
  return null
}

/** A reply from staff, marked with their role; published at once. */
export function postReply(room: StaffRoom, questionId: string, text: string): ActionResult {
  const trimmed = text.trim()
  if (!trimmed) return 'Write a reply first.'
  if (trimmed.length > Limits.replyLength) {
    return `A reply must be at most ${Limits.replyLength} characters.`
  }
  if (!room.pub.hasQuestion(questionId)) return 'That question no longer exists.'
  const reply: Reply = {
    id: newId(),
    questionId,
    text: trimmed,
    authorId: room.actor.userId,
    authorName: room.actor.name,
    authorRole: room.actor.role,
    createdAt: room.serverNow(),
    hidden: false,
  }
  room.pub.putReply(reply)
  return null
}

export function setReplyHidden(room: StaffRoom, replyId: string, hidden: boolean): void {
  room.pub.setReplyHidden(replyId, hidden)
}
