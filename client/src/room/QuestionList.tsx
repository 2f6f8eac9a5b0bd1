import {
  type PendingEdit,
  PREVIEW_QUESTIONS,
  pendingEdits,
  QuestionOrder,
  rankQuestions,
  withdrawnQuestions,
} from '@podium/shared'
import { createEffect, createMemo, createSignal, For, onCleanup, Show } from 'solid-js'
import { deriveSettled, sameJson, sameList, sameSet, useRoom } from './context.ts'
import { type ListViews, QuestionItem } from './QuestionItem.tsx'
import { qaClosedReason } from './qa-state.ts'

/**
 * A long list is put on the page in steps: the first items at once, then a chunk per
 * task, so the top of a session with thousands of questions shows without waiting for
 * the bottom (every item is there a moment later; nothing is hidden behind a button).
 * The first step is as many as the room preview carries, so the live list replaces it
 * item for item.
 */
export const FIRST_ITEMS = PREVIEW_QUESTIONS
const CHUNK = 400

export const AnsweredFilter = { all: 'all', open: 'open', answered: 'answered' } as const
export type AnsweredFilter = (typeof AnsweredFilter)[keyof typeof AnsweredFilter]

/** The published questions: Popular or Recent, filtered by answered and mine, searched as you type. */
export function QuestionList() {
  const room = useRoom()
  const [order, setOrder] = createSignal<QuestionOrder>(QuestionOrder.popular)
  const [answered, setAnswered] = createSignal<AnsweredFilter>(AnsweredFilter.all)
  const [mineOnly, setMineOnly] = createSignal(false)
  const [search, setSearch] = createSignal('')

  // Every question read out of the document once per change of any question (unchanged
  // ones are the objects read before), for the count and the list.
  const questions = createMemo(() => {
    room.changes.questions()
    return room.public.questions()
  })
  const total = createMemo(() => questions().filter((q) => q.status === 'published').length)
  // Read by every item: kept in signals that wake the items only when they change.
  const spotlightId = deriveSettled(room, () => room.public.stage().spotlightQuestionId)
  const closed = deriveSettled(room, () => qaClosedReason(room.public))
  const maxQuestionLength = deriveSettled(room, () => room.public.settings().maxQuestionLength)
  const edits = deriveSettled(room, () => pendingEdits(room.public, room.outbox), sameEdits)
  const asked = deriveSettled(room, () => room.outbox.askedQuestions(), sameSet)
  const views: ListViews = {
    get closed() {
      return closed()
    },
    get maxQuestionLength() {
      return maxQuestionLength()
    },
    get edits() {
      return edits()
    },
    get asked() {
      return asked()
    },
  }
  const ids = createMemo(
    () => {
      room.changes.outbox()
      const withdrawn = withdrawnQuestions(room.outbox)
      return rankQuestions(questions(), order(), {
        answered: answered(),
        ...(mineOnly() ? { mine: { userId: room.identity.userId, asked: asked() } } : {}),
        search: search(),
      })
        .filter((q) => !withdrawn.has(q.id))
        .map((q) => q.id)
    },
    [],
    { equals: sameList },
  )

  const [limit, setLimit] = createSignal(FIRST_ITEMS)
  createEffect(() => {
    if (limit() >= ids().length) return
    const step = setTimeout(() => setLimit((n) => n + CHUNK), 0)
    onCleanup(() => clearTimeout(step))
  })
  const shown = createMemo(() => ids().slice(0, limit()), [], { equals: sameList })

  return (
    <section class="card questions" aria-labelledby="questions-heading">
      <h2 id="questions-heading">Questions</h2>
      <div class="toolbar">
        <fieldset class="segmented">
          <legend class="visually-hidden">Sort questions</legend>
          <button
            type="button"
            aria-pressed={order() === 'popular'}
            onClick={() => setOrder(QuestionOrder.popular)}
          >
            Popular
          </button>
          <button
            type="button"
            aria-pressed={order() === 'recent'}
            onClick={() => setOrder(QuestionOrder.recent)}
          >
            Recent
          </button>
        </fieldset>
        <label class="field field-inline">
          <span>Show</span>
          <select
            name="answered"
            value={answered()}
            onChange={(e) => setAnswered(e.currentTarget.value as AnsweredFilter)}
          >
            <option value="all">All</option>
            <option value="open">Not answered</option>
            <option value="answered">Answered</option>
          </select>
        </label>
        <label class="check">
          <input
            type="checkbox"
            name="mine"
            checked={mineOnly()}
            onChange={(e) => setMineOnly(e.currentTarget.checked)}
          />
          Only mine
        </label>
        <label class="field search">
          <span>Search questions</span>
          <input
            type="search"
            name="search"
            value={search()}
            onInput={(e) => setSearch(e.currentTarget.value)}
            autocomplete="off"
          />
        </label>
      </div>
      <Show
        when={ids().length > 0}
        fallback={
          <p class="empty">
            {total() === 0
              ? 'No questions yet. Be the first to ask.'
              : 'No questions match. Try another search or filter.'}
          </p>
        }
      >
        <p class="visually-hidden" aria-live="polite">
          {ids().length === 1 ? '1 question shown' : `${ids().length} questions shown`}
        </p>
        <ol class="plain-list question-list">
          <For each={shown()}>
            {(id) => (
              <li data-question-id={id}>
                <QuestionItem questionId={id} spotlight={spotlightId() === id} views={views} />
              </li>
            )}
          </For>
        </ol>
      </Show>
    </section>
  )
}

/** Equal when the same questions have the same pending edits (items then keep theirs). */
function sameEdits(a: ReadonlyMap<string, PendingEdit>, b: ReadonlyMap<string, PendingEdit>) {
  return a.size === b.size && [...a].every(([id, edit]) => sameJson(edit, b.get(id)))
}
