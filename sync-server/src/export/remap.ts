import { type AuditEntry, newId, type SessionExport } from '@podium/shared'

/** Old id → fresh id, the same fresh id every time an old one is seen. */
export class IdMap {
  private readonly ids = new Map<string, string>()

  get(old: string): string {
    let id = this.ids.get(old)
    if (!id) {
      id = newId()
      this.ids.set(old, id)
    }
    return id
  }

  nullable(old: string | null): string | null {
    return old === null ? null : this.get(old)
  }
}

/**
 * The export with every id (questions, replies, labels, agenda items, authors, actors, hands)
 * replaced by a fresh one, consistently, so references between them still hold and
 * nothing points into the session it came from. Pending decisions are cleared: they
 * belonged to the other session's moderators.
 */
export function remapIds(data: SessionExport, ids = new IdMap()): SessionExport {
  const p = data.public
  const m = data.mod
  const audit = (a: AuditEntry): AuditEntry => ({
    ...a,
    actorId: ids.nullable(a.actorId),
    targetId: ids.nullable(a.targetId),
  })
  return {
    ...data,
    public: {
      ...p,
      agenda: p.agenda.map((item) => ({ ...item, id: ids.get(item.id) })),
      stage: {
        ...p.stage,
        currentItemId: ids.nullable(p.stage.currentItemId),
        spotlightQuestionId: ids.nullable(p.stage.spotlightQuestionId),
      },
      labels: p.labels.map((l) => ({ ...l, id: ids.get(l.id) })),
      questions: p.questions.map((q) => ({
        ...q,
        id: ids.get(q.id),
        authorId: ids.nullable(q.authorId),
        labels: q.labels.map((l) => ids.get(l)),
      })),
      replies: p.replies.map((r) => ({
        ...r,
        id: ids.get(r.id),
        questionId: ids.get(r.questionId),
        authorId: ids.nullable(r.authorId),
      })),
    },
    mod: {
      // Poll answers waiting for review are left out: an import brings polls back without
      // their answers, so approving one would have nothing to count.
      queue: m.queue
        .filter((item) => item.kind !== 'poll-answer')
        .map((item) => ({
          ...item,
          id: ids.get(item.id),
          questionId: ids.nullable(item.questionId),
          authorId: ids.nullable(item.authorId),
          decision: null,
        })),
      rejected: m.rejected.map((item) => ({
        ...item,
        id: ids.get(item.id),
        questionId: ids.nullable(item.questionId),
        ...(item.pollId ? { pollId: ids.get(item.pollId) } : {}),
        authorId: ids.nullable(item.authorId),
        by: ids.nullable(item.by),
      })),
      notes: Object.fromEntries(Object.entries(m.notes).map(([id, text]) => [ids.get(id), text])),
      audit: m.audit.map(audit),
    },
    ...(data.polls
      ? {
          polls: data.polls.map((p) => ({
            ...p,
            poll: { ...p.poll, id: ids.get(p.poll.id), quizId: ids.nullable(p.poll.quizId) },
          })),
        }
      : {}),
    ...(data.hands
      ? {
          hands: data.hands.map((h) => ({
            ...h,
            userId: ids.get(h.userId),
            calledBy: ids.nullable(h.calledBy),
          })),
        }
      : {}),
  }
}
