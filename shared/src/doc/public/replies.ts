import type * as Y from 'yjs'
import type { Reply } from '../schema.ts'
import { shownAuthorId } from '../schema.ts'

/** A reply as readers get it: no author id without a name. */
export function shownReply(reply: Reply): Reply {
  const authorId = shownAuthorId(reply.authorId, reply.authorName)
  return authorId === reply.authorId ? reply : { ...reply, authorId }
}

/**
 * Replies grouped by question and sorted, built once per change of a document's replies:
 * each item of a long question list asks for its question's replies, and each ask used to
 * scan and sort all of them (5,000 items × 500 replies on every change of the document).
 * Dropped when the replies change: by PublicDoc's writes at once, so a read later in the
 * same transaction sees them, and by any other change (a remote update) when it lands.
 */
const replyIndexes = new WeakMap<Y.Map<Reply>, { byQuestion: Map<string, Reply[]> | null }>()

export function replyIndex(map: Y.Map<Reply>): Map<string, Reply[]> {
  let entry = replyIndexes.get(map)
  if (!entry) {
    const created: { byQuestion: Map<string, Reply[]> | null } = { byQuestion: null }
    map.observe(() => {
      created.byQuestion = null
    })
    replyIndexes.set(map, created)
    entry = created
  }
  if (!entry.byQuestion) {
    const byQuestion = new Map<string, Reply[]>()
    for (const stored of map.values()) {
      const reply = shownReply(stored)
      const list = byQuestion.get(reply.questionId)
      if (list) list.push(reply)
      else byQuestion.set(reply.questionId, [reply])
    }
    for (const list of byQuestion.values()) list.sort((a, b) => a.createdAt - b.createdAt)
    entry.byQuestion = byQuestion
  }
  return entry.byQuestion
}

export function dropReplyIndex(map: Y.Map<Reply>): void {
  const entry = replyIndexes.get(map)
  if (entry) entry.byQuestion = null
}
