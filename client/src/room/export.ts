import type { OutboxDoc, PublicDoc } from '@podium/shared'
import type { Identity } from '../lib/identity.ts'
import { myQuestions, rejectionText, stateLabel } from './views.ts'

/** Everything this user contributed to the session, as a JSON-ready object. */
export function exportMyData(identity: Identity, pub: PublicDoc, outbox: OutboxDoc) {
  const items = outbox.items()
  const publishedReplies = new Map(pub.replies().map((r) => [r.id, r]))
  return {
    exportedAt: new Date().toISOString(),
    session: { id: identity.sessionId, title: pub.meta().title, code: pub.meta().code },
    you: { userId: identity.userId, name: identity.name, role: identity.role },
    questions: myQuestions(pub, outbox).map((q) => ({
      id: q.questionId,
      text: q.text,
      anonymous: q.anonymous,
      askedAt: new Date(q.createdAt).toISOString(),
      state: stateLabel(q.state),
      reason: q.reason,
      votes: pub.question(q.questionId)?.votes ?? null,
    })),
    replies: items.flatMap(({ entry, receipt }) =>
      entry.type === 'reply'
        ? [
            {
              id: entry.replyId,
              questionId: entry.questionId,
              text: entry.text,
              repliedAt: new Date(entry.createdAt).toISOString(),
              published: publishedReplies.has(entry.replyId),
              reason: rejectionText(receipt),
            },
          ]
        : [],
    ),
    votes: items.flatMap(({ entry }) =>
      entry.type === 'vote' && entry.up
        ? [{ questionId: entry.questionId, question: pub.question(entry.questionId)?.text ?? null }]
        : [],
    ),
  }
}
