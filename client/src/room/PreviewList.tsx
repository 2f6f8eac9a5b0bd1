import type { PreviewQuestion, RoomPreview } from '@podium/shared'
import { For, Show } from 'solid-js'

/**
 * The top of the question list as the server sent it ahead of the document: the same
 * items as the live list, read-only until the session has loaded (a moment later, when
 * the live list takes its place).
 */
export function PreviewList(props: { preview: RoomPreview }) {
  return (
    <section class="card questions" aria-labelledby="questions-heading" aria-busy="true">
      <h2 id="questions-heading">Questions</h2>
      <p class="hint">Loading the session… Voting and replies open in a moment.</p>
      <Show
        when={props.preview.questions.length > 0}
        fallback={<p class="empty">No questions yet. Be the first to ask.</p>}
      >
        <ol class="plain-list question-list">
          <For each={props.preview.questions}>
            {(q) => (
              <li data-question-id={q.id} data-preview="">
                <PreviewItem question={q} spotlight={props.preview.spotlightQuestionId === q.id} />
              </li>
            )}
          </For>
        </ol>
        <Show when={props.preview.total > props.preview.questions.length}>
          <p class="hint">{moreText(props.preview.total - props.preview.questions.length)}</p>
        </Show>
      </Show>
    </section>
  )
}

const moreText = (n: number) =>
  n === 1 ? '1 more question is loading.' : `${n} more questions are loading.`

function PreviewItem(props: { question: PreviewQuestion; spotlight: boolean }) {
  const q = () => props.question
  const votes = () => `${q().votes} ${q().votes === 1 ? 'vote' : 'votes'}`
  return (
    <article
      class="question"
      classList={{ 'question-answered': q().answered, 'question-mine': q().mine }}
      aria-label={`Question by ${q().authorName ?? 'Anonymous'}`}
    >
      <button type="button" class="vote" aria-label={`Upvote (${votes()})`} disabled>
        <span class="vote-arrow" aria-hidden="true">
          ▲
        </span>
        <span class="vote-count">{q().votes}</span>
      </button>
      <div class="question-body">
        <p class="question-text" dir="auto">
          {q().text}
        </p>
        <p class="question-meta">
          <span class="author" dir="auto">
            {q().authorName ?? 'Anonymous'}
          </span>
          <Show when={q().mine}>
            <span class="tag tag-mine">Yours</span>
          </Show>
          <Show when={q().pinned}>
            <span class="tag tag-pinned">Pinned</span>
          </Show>
          <Show when={props.spotlight}>
            <span class="tag tag-spotlight">In the spotlight</span>
          </Show>
          <Show when={q().answered}>
            <span class="tag tag-answered">Answered</span>
          </Show>
          <Show when={q().edited}>
            <span class="edited">edited</span>
          </Show>
        </p>
        <p class="question-actions">{q().replies === 1 ? '1 reply' : `${q().replies} replies`}</p>
      </div>
    </article>
  )
}
