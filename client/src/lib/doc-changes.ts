import { changedQuestionIds, PublicDoc, ReactionsDoc } from '@podium/shared'
import { type Accessor, batch, createSignal, type Setter } from 'solid-js'
import type * as Y from 'yjs'

/** True for a transaction that changed the public document's participant count and nothing else. */
export function onlyPresence(transaction: Y.Transaction): boolean {
  const presence = transaction.doc.share.get(PublicDoc.PRESENCE)
  return (
    presence !== undefined && [...transaction.changed.keys()].every((type) => type === presence)
  )
}

/**
 * True for a transaction that changed only the reaction counts (written once a second
 * while people react): the views that show them watch that map themselves, and nothing
 * else needs to re-derive.
 */
export function onlyReactions(transaction: Y.Transaction): boolean {
  const reactions = transaction.doc.share.get(ReactionsDoc.MAP)
  return (
    reactions !== undefined && [...transaction.changed.keys()].every((type) => type === reactions)
  )
}

/**
 * Finer signals than `version`, for views that are many (an item per question): read one
 * inside a memo and it re-runs when that part changes, not on every change of the
 * documents. A vote tick changes a few tallies; with 5,000 items each on `version`, every
 * tick had the reactive graph mark and check all of them (60 ms of a 160 ms change).
 */
export interface DocChanges {
  /** Question `id` was added, removed or changed. */
  question(id: string): void
  /** Any question was added, removed or changed. */
  questions(): void
  /** Any reply was added, removed or changed. */
  replies(): void
  /** The outbox entry `id` or its receipt changed. */
  outboxEntry(id: string): void
  /** Anything in the outbox changed. */
  outbox(): void
}

export interface TrackedDocs {
  /** Bumps on every change except one that only moves the participant count. */
  version: Accessor<number>
  /** Bumps when the participant count may have changed. */
  presence: Accessor<number>
  changes: DocChanges
  dispose(): void
}

/** A signal per key, made when first read; a key nobody read costs nothing to bump. */
function keyedSignals() {
  const signals = new Map<string, [Accessor<number>, Setter<number>]>()
  return {
    track(key: string): void {
      let signal = signals.get(key)
      if (!signal) {
        signal = createSignal(0)
        signals.set(key, signal)
      }
      signal[0]()
    },
    bump(key: string): void {
      signals.get(key)?.[1]((v) => v + 1)
    },
  }
}

function counter(): [Accessor<number>, () => void] {
  const [get, set] = createSignal(0)
  return [get, () => set((v) => v + 1)]
}

/**
 * Watches a session's documents: the public one, the user's outbox, and any other (the
 * moderators') that only bump `version`. Every change is classified once, when its
 * transaction ends (local, remote or loaded from IndexedDB alike).
 */
export function trackDocs(docs: { public: Y.Doc; outbox?: Y.Doc; others?: Y.Doc[] }): TrackedDocs {
  const [version, bumpVersion] = counter()
  const [presence, bumpPresence] = counter()
  const [questionsAny, bumpQuestions] = counter()
  const [repliesAny, bumpReplies] = counter()
  const [outboxAny, bumpOutbox] = counter()
  const questionKeys = keyedSignals()
  const outboxKeys = keyedSignals()

  const publicQuestions = docs.public.getMap<Y.Map<unknown>>('questions')
  const publicReplies: unknown = docs.public.getMap('replies')
  const onPublic = (transaction: Y.Transaction) => {
    if (transaction.changed.size === 0) return
    if (onlyPresence(transaction)) {
      bumpPresence()
      return
    }
    if (onlyReactions(transaction)) return
    batch(() => {
      const ids = changedQuestionIds(transaction, publicQuestions)
      for (const id of ids) questionKeys.bump(id)
      if (ids.size > 0) bumpQuestions()
      if ([...transaction.changed.keys()].some((type) => type === publicReplies)) bumpReplies()
      bumpVersion()
    })
  }
  const onOutbox = (transaction: Y.Transaction) => {
    if (transaction.changed.size === 0) return
    batch(() => {
      for (const keys of transaction.changed.values())
        for (const key of keys) if (key !== null) outboxKeys.bump(key)
      bumpOutbox()
      bumpVersion()
    })
  }
  const onOther = (transaction: Y.Transaction) => {
    if (transaction.changed.size > 0) bumpVersion()
  }

  const watched: Array<[Y.Doc, (transaction: Y.Transaction) => void]> = [
    [docs.public, onPublic],
    ...(docs.outbox ? [[docs.outbox, onOutbox] as [Y.Doc, typeof onOutbox]] : []),
    ...(docs.others ?? []).map((doc) => [doc, onOther] as [Y.Doc, typeof onOther]),
  ]
  for (const [doc, handler] of watched) doc.on('afterTransaction', handler)

  return {
    version,
    presence,
    changes: {
      question: questionKeys.track,
      questions: () => void questionsAny(),
      replies: () => void repliesAny(),
      outboxEntry: outboxKeys.track,
      outbox: () => void outboxAny(),
    },
    dispose() {
      for (const [doc, handler] of watched) doc.off('afterTransaction', handler)
    },
  }
}
