import type * as Y from 'yjs'
import type { Question } from '../schema.ts'
import { readQuestion } from './questions.ts'

/**
 * Questions as last read, per document's `questions` map. An entry goes when its question
 * changes: at once for a write through PublicDoc (a read later in the same transaction
 * sees it), and for any other change (a remote update, a write to the maps directly)
 * before the transaction's observers run, from the types the transaction changed.
 */
const questionCaches = new WeakMap<Y.Map<Y.Map<unknown>>, Map<string, Question>>()

export function questionCache(questions: Y.Map<Y.Map<unknown>>): Map<string, Question> {
  let cache = questionCaches.get(questions)
  if (!cache) {
    const created = new Map<string, Question>()
    questions.doc?.on('beforeObserverCalls', (transaction: Y.Transaction) => {
      for (const id of changedQuestionIds(transaction, questions)) created.delete(id)
    })
    questionCaches.set(questions, created)
    cache = created
  }
  return cache
}

/** A question read once is the same frozen object until its map changes. */
export function cachedQuestion(
  cache: Map<string, Question>,
  id: string,
  map: Y.Map<unknown>,
): Question {
  let question = cache.get(id)
  if (!question) {
    question = readQuestion(id, map)
    Object.freeze(question.labels)
    cache.set(id, Object.freeze(question))
  }
  return question
}

export function forgetQuestion(questions: Y.Map<Y.Map<unknown>>, id: string): void {
  questionCaches.get(questions)?.delete(id)
}

/** The ids of the questions a transaction added, removed or changed. */
export function changedQuestionIds(
  transaction: Y.Transaction,
  questions: Y.Map<Y.Map<unknown>>,
): Set<string> {
  const ids = new Set<string>()
  for (const [type, keys] of transaction.changed) {
    if ((type as unknown) === questions) {
      for (const key of keys) if (key !== null) ids.add(key)
    } else if (type._item?.parent === questions && typeof type._item.parentSub === 'string') {
      ids.add(type._item.parentSub)
    }
  }
  return ids
}
