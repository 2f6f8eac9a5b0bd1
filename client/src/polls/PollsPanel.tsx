import { ModPolls, type Poll, PollLimits } from '@podium/shared'
import { createSignal, For, onCleanup, onMount, Show } from 'solid-js'
import { type StaffRoom, tracked } from '../staff/model/room.ts'
import { KIND_LABELS, type PollView, pollActions, pollViews } from './model.ts'
import { LeaderboardView, PollResultsView } from './Results.tsx'
import './polls.css'

/** The console's keys for polls: one key, one action, never while typing. */
export const POLL_SHORTCUTS = [
  { key: 'n', label: 'Write a new poll' },
  { key: 'o', label: 'Open the next draft poll' },
  { key: 'c', label: 'Close the open polls' },
] as const

function typing(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null
  const tag = target?.tagName
  return (
    event.ctrlKey ||
    event.metaKey ||
    event.altKey ||
    tag === 'INPUT' ||
    tag === 'TEXTAREA' ||
    tag === 'SELECT' ||
    target?.isContentEditable === true
  )
}

const slug = (name: string) =>
  `quiz-${
    name
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-') || 'main'
  }`.slice(0, 64)

/** Create, open and close polls, quiz questions and word clouds; see their results live. */
export function PollsPanel(props: { room: StaffRoom }) {
  const views = () => tracked(props.room, () => pollViews(props.room.pub.doc, props.room.mod.doc))
  const hiddenWords = (id: string) =>
    tracked(props.room, () => new ModPolls(props.room.mod.doc).secret(id).hiddenWords)
  let questionField: HTMLInputElement | undefined

  const openNext = () => {
    const draft = views().find((v) => v.poll.status === 'draft')
    if (draft) pollActions.open(props.room.pub.doc, draft.poll.id)
  }
  const closeOpen = () => {
    for (const v of views())
      if (v.poll.status === 'open') pollActions.close(props.room.pub.doc, v.poll.id)
  }
  const onKey = (event: KeyboardEvent) => {
    if (typing(event)) return
    if (event.key === 'n') {
      event.preventDefault()
      questionField?.focus()
    } else if (event.key === 'o') openNext()
    else if (event.key === 'c') closeOpen()
  }
  onMount(() => document.addEventListener('keydown', onKey))
  onCleanup(() => document.removeEventListener('keydown', onKey))

  return (
    <section class="panel polls-panel" aria-labelledby="polls-panel-heading">
      <h2 id="polls-panel-heading">Polls, quizzes and word clouds</h2>
      <NewPollForm room={props.room} ref={(el) => (questionField = el)} />
      <p class="hint">
        Keys:{' '}
        <For each={POLL_SHORTCUTS}>
          {(s, i) => (
            <>
              {i() > 0 ? ' · ' : ''}
              <kbd>{s.key.toUpperCase()}</kbd> {s.label.toLowerCase()}
            </>
          )}
        </For>
      </p>
      <Show when={views().length > 0} fallback={<p class="hint">No polls yet.</p>}>
        <ol class="poll-console-list">
          <For each={[...views()].reverse()}>
            {(view) => (
              <PollItem room={props.room} view={view} hidden={hiddenWords(view.poll.id)} />
            )}
          </For>
        </ol>
      </Show>
    </section>
  )
}

function PollItem(props: { room: StaffRoom; view: PollView; hidden: string[] }) {
  const poll = () => props.view.poll
  const doc = () => props.room.pub.doc
  return (
    <li class="poll-console-item" data-status={poll().status}>
      <p class="poll-kind">
        {KIND_LABELS[poll().kind]} · {poll().status}
        {poll().results === 'closed' ? ' · results after closing' : ''}
        {poll().anonymous ? '' : ' · named'}
        {poll().kind === 'quiz' ? ` · ${poll().timeLimitSec} s` : ''}
      </p>
      <h3 class="poll-question" dir="auto">
        {poll().question}
      </h3>
      <div class="poll-console-actions">
        <Show when={poll().status !== 'open'}>
          <button
            type="button"
            class="btn btn-primary"
            onClick={() => pollActions.open(doc(), poll().id)}
          >
            {poll().status === 'draft' ? 'Open' : 'Open again'}
            <span class="visually-hidden">: {poll().question}</span>
          </button>
        </Show>
        <Show when={poll().status === 'open'}>
          <button
            type="button"
            class="btn btn-primary"
            onClick={() => pollActions.close(doc(), poll().id)}
          >
            Close<span class="visually-hidden">: {poll().question}</span>
          </button>
        </Show>
        <button
          type="button"
          class="btn btn-danger-text"
          onClick={() => {
            if (window.confirm('Delete this poll and its results?'))
              pollActions.remove(doc(), poll().id)
          }}
        >
          Delete<span class="visually-hidden">: {poll().question}</span>
        </button>
      </div>
      <Show when={poll().status !== 'draft'}>
        <PollResultsView view={props.view} />
      </Show>
      <Show
        when={poll().kind === 'words' && props.view.results.words.length + props.hidden.length > 0}
      >
        <p class="hint">Hide a word from the cloud:</p>
        <ul class="hidden-words">
          <For each={props.view.results.words}>
            {([word]) => (
              <li>
                <button
                  type="button"
                  class="btn btn-quiet"
                  onClick={() => pollActions.hideWord(props.room.mod.doc, poll().id, word, true)}
                >
                  Hide “{word}”
                </button>
              </li>
            )}
          </For>
          <For each={props.hidden}>
            {(word) => (
              <li>
                <button
                  type="button"
                  class="btn btn-quiet"
                  onClick={() => pollActions.hideWord(props.room.mod.doc, poll().id, word, false)}
                >
                  Show “{word}” again
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={poll().status === 'closed' && props.view.leaderboard}>
        {(board) => <LeaderboardView board={board()} />}
      </Show>
    </li>
  )
}

function NewPollForm(props: { room: StaffRoom; ref: (el: HTMLInputElement) => void }) {
  const [kind, setKind] = createSignal<Poll['kind']>('single')
  const [question, setQuestion] = createSignal('')
  const [options, setOptions] = createSignal('')
  const [maxChoices, setMaxChoices] = createSignal('2')
  const [resultsAfter, setResultsAfter] = createSignal(false)
  const [named, setNamed] = createSignal(false)
  const [quizName, setQuizName] = createSignal('main')
  const [timeLimit, setTimeLimit] = createSignal('20')
  const [correct, setCorrect] = createSignal('1')
  const [error, setError] = createSignal<string | null>(null)
  const needsOptions = () => ['single', 'multiple', 'quiz'].includes(kind())

  const submit = (event: Event) => {
    event.preventDefault()
    const opts = options()
      .split('\n')
      .map((o) => o.trim())
      .filter((o) => o !== '')
    if (question().trim() === '') return setError('Write the question first.')
    if (needsOptions() && (opts.length < 2 || opts.length > PollLimits.options))
      return setError(`Give 2 to ${PollLimits.options} options, one a line.`)
    const max = Number(maxChoices())
    if (kind() === 'multiple' && !(max >= 1 && max <= opts.length))
      return setError(`Allow between 1 and ${opts.length} choices.`)
    const limit = Number(timeLimit())
    if (
      kind() === 'quiz' &&
      !(limit >= PollLimits.timeLimitMinSec && limit <= PollLimits.timeLimitMaxSec)
    )
      return setError(
        `A time limit is ${PollLimits.timeLimitMinSec} to ${PollLimits.timeLimitMaxSec} seconds.`,
      )
    const right = Number(correct())
    if (kind() === 'quiz' && !(Number.isInteger(right) && right >= 1 && right <= opts.length))
      return setError(`The right option is a number from 1 to ${opts.length}.`)
    setError(null)
    pollActions.create(
      props.room.pub.doc,
      props.room.mod.doc,
      {
        kind: kind(),
        question: question().trim(),
        options: needsOptions() ? opts : [],
        maxChoices: kind() === 'multiple' ? max : 1,
        results: resultsAfter() ? 'closed' : 'live',
        anonymous: !named(),
        quizId: kind() === 'quiz' ? slug(quizName()) : null,
        timeLimitSec: kind() === 'quiz' ? limit : 20,
      },
      kind() === 'quiz' ? [right - 1] : [],
    )
    setQuestion('')
    setOptions('')
  }

  return (
    <form class="poll-form-grid" onSubmit={submit} aria-label="New poll">
      <label class="st-field">
        <span>Kind</span>
        <select value={kind()} onChange={(e) => setKind(e.currentTarget.value as Poll['kind'])}>
          <For each={Object.entries(KIND_LABELS)}>
            {([value, label]) => <option value={value}>{label}</option>}
          </For>
        </select>
      </label>
      <label class="st-field">
        <span>Question</span>
        <input
          ref={props.ref}
          type="text"
          maxLength={PollLimits.questionLength}
          value={question()}
          onInput={(e) => setQuestion(e.currentTarget.value)}
        />
      </label>
      <Show when={needsOptions()}>
        <label class="st-field">
          <span>Options, one a line</span>
          <textarea value={options()} onInput={(e) => setOptions(e.currentTarget.value)} />
        </label>
      </Show>
      <Show when={kind() === 'multiple'}>
        <label class="st-field">
          <span>At most this many choices</span>
          <input
            type="number"
            min="1"
            max={PollLimits.options}
            value={maxChoices()}
            onInput={(e) => setMaxChoices(e.currentTarget.value)}
          />
        </label>
      </Show>
      <Show when={kind() === 'quiz'}>
        <label class="st-field">
          <span>Quiz</span>
          <input
            type="text"
            value={quizName()}
            onInput={(e) => setQuizName(e.currentTarget.value)}
          />
        </label>
        <label class="st-field">
          <span>Time limit (seconds)</span>
          <input
            type="number"
            min={PollLimits.timeLimitMinSec}
            max={PollLimits.timeLimitMaxSec}
            value={timeLimit()}
            onInput={(e) => setTimeLimit(e.currentTarget.value)}
          />
        </label>
        <label class="st-field">
          <span>Right option (its number)</span>
          <input
            type="number"
            min="1"
            max={PollLimits.options}
            value={correct()}
            onInput={(e) => setCorrect(e.currentTarget.value)}
          />
        </label>
      </Show>
      <label class="check">
        <input
          type="checkbox"
          checked={resultsAfter()}
          onChange={(e) => setResultsAfter(e.currentTarget.checked)}
        />
        <span>Show results only once closed</span>
      </label>
      <label class="check">
        <input
          type="checkbox"
          checked={named()}
          onChange={(e) => setNamed(e.currentTarget.checked)}
        />
        <span>Named (show who wrote open-text answers)</span>
      </label>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
      <button type="submit" class="btn btn-primary">
        Add as draft
      </button>
    </form>
  )
}
