import type { Question } from '@podium/shared'
import { createMemo, createSignal, For, Show } from 'solid-js'
import { setAnswered, setPinned, setStatus, toggleSpotlight } from '../model/actions.ts'
import type { Moderation } from '../model/moderation-state.ts'
import { targetKey } from '../model/moderation-state.ts'
import { authorLabel, formatAgo, plural } from '../ui/format.ts'
import { LabelPicker } from './LabelPicker.tsx'
import { Replies } from './Replies.tsx'

/** One published (or hidden, or archived) question and what staff can do with it. */
export function QuestionCard(props: { id: string; m: Moderation; now: number }) {
  return (
    <Show when={props.m.questionById().get(props.id)}>
      {(question) => <QuestionCardBody question={question()} m={props.m} now={props.now} />}
    </Show>
  )
}

function QuestionCardBody(props: { question: Question; m: Moderation; now: number }) {
  const room = () => props.m.room
  const q = () => props.question
  const key = () => targetKey({ kind: 'question', id: q().id })
  const selected = () => props.m.selected() === key()
  const [picking, setPicking] = createSignal(false)
  const [replying, setReplying] = createSignal(false)
  const [error, setError] = createSignal<string | null>(null)
  const onScreen = createMemo(() => {
    room().version()
    return room().pub.stage().spotlightQuestionId === q().id
  })
  const labels = createMemo(() => {
    room().version()
    const all = new Map(
      room()
        .pub.labels()
        .map((l) => [l.id, l]),
    )
    return q()
      .labels.map((id) => all.get(id))
      .filter((l) => l !== undefined)
  })
  const headingId = () => `question-${q().id}`

  return (
    <article
      class="item item-question"
      classList={{
        selected: selected(),
        pinned: q().pinned,
        answered: q().answered,
        moderated: q().status !== 'published',
        'on-screen': onScreen(),
      }}
      data-key={key()}
      tabindex={selected() ? 0 : -1}
      aria-labelledby={headingId()}
      onFocusIn={() => props.m.setSelected(key())}
    >
      <header class="item-meta">
        <span id={headingId()} class="item-author" dir="auto">
          {authorLabel(q().authorName)}
        </span>
        <span class="item-time">{formatAgo(q().createdAt, props.now)}</span>
        <span class="votes">{plural(q().votes, 'vote')}</span>
        <Show when={onScreen()}>
          <span class="st-badge st-badge-live">On screen</span>
        </Show>
        <Show when={q().pinned}>
          <span class="st-badge">Pinned</span>
        </Show>
        <Show when={q().answered}>
          <span class="st-badge st-badge-ok">Answered</span>
        </Show>
        <Show when={q().status !== 'published'}>
          <span class="st-badge st-badge-muted">
            {q().status === 'hidden' ? 'Hidden' : 'Archived'}
          </span>
        </Show>
      </header>
      <p class="item-text" dir="auto">
        {q().text}
      </p>
      <Show when={labels().length > 0}>
        <ul class="chips" aria-label="Labels">
          <For each={labels()}>
            {(label) => (
              <li class="chip" style={{ 'background-color': label.color }} dir="auto">
                {label.name}
              </li>
            )}
          </For>
        </ul>
      </Show>
      <div class="row actions">
        <button
          type="button"
          class="btn"
          aria-pressed={q().pinned}
          onClick={() => setError(setPinned(room(), q().id, !q().pinned))}
        >
          Pin
        </button>
        <button
          type="button"
          class="btn"
          aria-pressed={q().answered}
          onClick={() => setError(setAnswered(room(), q().id, !q().answered))}
        >
          Answered
        </button>
        <button
          type="button"
          class="btn"
          aria-pressed={onScreen()}
          disabled={q().status !== 'published' && !onScreen()}
          onClick={() => setError(toggleSpotlight(room(), q().id))}
        >
          On screen
        </button>
        <Show
          when={q().status === 'published'}
          fallback={
            <button
              type="button"
              class="btn"
              onClick={() => setError(setStatus(room(), q().id, 'published'))}
            >
              Restore
            </button>
          }
        >
          <button
            type="button"
            class="btn"
            onClick={() => setError(setStatus(room(), q().id, 'hidden'))}
          >
            Hide
          </button>
          <button
            type="button"
            class="btn"
            onClick={() => setError(setStatus(room(), q().id, 'archived'))}
          >
            Archive
          </button>
        </Show>
        <button
          type="button"
          class="btn"
          aria-expanded={picking()}
          onClick={() => setPicking(!picking())}
        >
          Labels
        </button>
        <button
          type="button"
          class="btn"
          aria-expanded={replying()}
          onClick={() => setReplying(!replying())}
        >
          Reply
        </button>
      </div>
      <Show when={picking()}>
        <LabelPicker room={room()} question={q()} onError={setError} />
      </Show>
      <Replies
        room={room()}
        questionId={q().id}
        formOpen={replying()}
        onClose={() => setReplying(false)}
        onError={setError}
      />
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
    </article>
  )
}
