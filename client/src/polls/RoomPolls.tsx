import { PollLimits, type QuizStanding } from '@podium/shared'
import { createResource, createSignal, For, Match, onCleanup, Show, Switch } from 'solid-js'
import { api } from '../lib/api.ts'
import { derive, sameJson, useRoom } from '../room/context.ts'
import {
  KIND_LABELS,
  myAnswer,
  type PollView,
  pollViews,
  secondsLeft,
  shownPolls,
  submitAnswer,
} from './model.ts'
import { LeaderboardView, PollResultsView } from './Results.tsx'
import './polls.css'

/** The polls open in the room (or the last one closed): answer them, see results. */
export function RoomPolls() {
  const room = useRoom()
  const shown = derive(room, () => shownPolls(pollViews(room.public.doc)), sameJson)
  return (
    <Show when={shown().length > 0}>
      <section class="card polls" aria-labelledby="polls-heading">
        <h2 id="polls-heading">
          {shown().some((v) => v.poll.status === 'open') ? 'Poll' : 'Poll results'}
        </h2>
        {/* Keyed by poll id: new results make new view objects, and a card made again
            would lose what the person is typing. */}
        <For each={shown().map((v) => v.poll.id)}>
          {(id) => (
            <Show when={shown().find((v) => v.poll.id === id)}>
              {(view) => <PollCard view={view()} />}
            </Show>
          )}
        </For>
      </section>
    </Show>
  )
}

function PollCard(props: { view: PollView }) {
  const room = useRoom()
  const poll = () => props.view.poll
  const mine = derive(room, () => myAnswer(room.outbox.doc, poll().id), sameJson)
  const open = () => poll().status === 'open'
  const [now, setNow] = createSignal(room.serverNow())
  const tick = setInterval(() => setNow(room.serverNow()), 500)
  onCleanup(() => clearInterval(tick))
  const left = () => secondsLeft(props.view, now())
  const timeUp = () => left() === 0
  const showResults = () => !open() || poll().results === 'live' || props.view.results.hidden
  const headingId = () => `poll-q-${poll().id}`

  return (
    <article class="poll" aria-labelledby={headingId()}>
      <p class="poll-kind">
        {KIND_LABELS[poll().kind]}
        <Show when={!open()}> · closed</Show>
        <Show when={left() !== null}>
          {' '}
          · <span class="poll-countdown">{left()} s left</span>
        </Show>
      </p>
      <h3 id={headingId()} class="poll-question" dir="auto">
        {poll().question}
      </h3>
      <Show when={open() && !timeUp()}>
        <AnswerForm view={props.view} />
      </Show>
      <p class={`poll-state poll-state-${mine().state}`} aria-live="polite">
        <Switch>
          <Match when={mine().state === 'sending' && room.status() !== 'online'}>
            Saved on this device. It is sent when you are back online, and counts if the poll is
            still open then.
          </Match>
          <Match when={mine().state === 'sending'}>Sending your answer…</Match>
          <Match when={mine().state === 'review'}>
            Waiting for a moderator: your answer shows in the results once it is approved.
          </Match>
          <Match when={mine().state === 'counted'}>Your answer is counted.</Match>
          <Match when={mine().state === 'refused'}>Not counted: {mine().reason}</Match>
        </Switch>
      </p>
      <Show when={showResults()}>
        <PollResultsView view={props.view} />
      </Show>
      <Show when={poll().status === 'closed' && props.view.leaderboard}>
        {(board) => (
          <>
            <LeaderboardView board={board()} />
            <YourRank quizId={poll().quizId ?? ''} at={board().at} />
          </>
        )}
      </Show>
    </article>
  )
}

function YourRank(props: { quizId: string; at: number }) {
  const room = useRoom()
  const [standing] = createResource(
    () => (props.quizId ? { quizId: props.quizId, at: props.at } : null),
    ({ quizId }) =>
      api.get<QuizStanding>(
        `/sessions/${room.identity.sessionId}/quizzes/${quizId}/standing`,
        room.identity.token,
      ),
  )
  return (
    <Show when={standing()}>
      {(s) => (
        <p class="your-rank">
          <Show when={s().rank !== null} fallback="You have no points in this quiz yet.">
            You are number {s().rank} of {s().players} with {s().points} points.
          </Show>
        </p>
      )}
    </Show>
  )
}

function AnswerForm(props: { view: PollView }) {
  const room = useRoom()
  const poll = () => props.view.poll
  const previous = derive(room, () => myAnswer(room.outbox.doc, poll().id).entry, sameJson)
  const [choices, setChoices] = createSignal<number[]>(previous()?.choices ?? [])
  const [rating, setRating] = createSignal<number | null>(previous()?.rating ?? null)
  const [text, setText] = createSignal(previous()?.text ?? '')
  const [error, setError] = createSignal<string | null>(null)
  const multiple = () => poll().kind === 'multiple'
  const maxText = () => (poll().kind === 'words' ? PollLimits.wordsLength : PollLimits.textLength)
  const name = () => `poll-${poll().id}`

  const toggle = (i: number, on: boolean) => {
    if (!multiple()) {
      setChoices([i])
      return
    }
    const next = on ? [...choices(), i] : choices().filter((c) => c !== i)
    setChoices(next)
  }
  const submit = (event: Event) => {
    event.preventDefault()
    const kind = poll().kind
    if ((kind === 'text' || kind === 'words') && text().trim() === '') {
      setError('Write an answer first.')
      return
    }
    if (kind === 'words' && text().trim().split(/\s+/u).length > PollLimits.words) {
      setError(`Use at most ${PollLimits.words} words.`)
      return
    }
    if (kind === 'rating' && rating() === null) {
      setError('Pick a rating first.')
      return
    }
    if (['single', 'multiple', 'quiz'].includes(kind) && choices().length === 0) {
      setError('Pick an option first.')
      return
    }
    setError(null)
    submitAnswer(room.outbox.doc, poll().id, {
      choices: choices(),
      rating: rating(),
      text: kind === 'text' || kind === 'words' ? text() : null,
    })
  }

  return (
    <form class="poll-form" onSubmit={submit}>
      <Switch>
        <Match when={['single', 'multiple', 'quiz'].includes(poll().kind)}>
          <fieldset class="poll-options">
            <legend class="visually-hidden">
              {multiple() ? `Pick up to ${poll().maxChoices}` : 'Pick one'}
            </legend>
            <Show when={multiple()}>
              <p class="hint">Pick up to {poll().maxChoices}.</p>
            </Show>
            <For each={poll().options}>
              {(option, i) => (
                <label class="poll-option">
                  <input
                    type={multiple() ? 'checkbox' : 'radio'}
                    name={name()}
                    checked={choices().includes(i())}
                    disabled={
                      multiple() &&
                      !choices().includes(i()) &&
                      choices().length >= poll().maxChoices
                    }
                    onChange={(e) => toggle(i(), e.currentTarget.checked)}
                  />
                  <span dir="auto">{option}</span>
                </label>
              )}
            </For>
          </fieldset>
        </Match>
        <Match when={poll().kind === 'rating'}>
          <fieldset class="poll-rating">
            <legend class="visually-hidden">Your rating from 1 to 5</legend>
            <For each={[1, 2, 3, 4, 5]}>
              {(n) => (
                <label class="poll-rate">
                  <input
                    type="radio"
                    name={name()}
                    checked={rating() === n}
                    onChange={() => setRating(n)}
                  />
                  <span>{n}</span>
                </label>
              )}
            </For>
          </fieldset>
        </Match>
        <Match when={poll().kind === 'text' || poll().kind === 'words'}>
          <label class="poll-text-field">
            <span class="visually-hidden">
              {poll().kind === 'words' ? 'Up to three words' : 'Your answer'}
            </span>
            <input
              type="text"
              maxLength={maxText()}
              placeholder={poll().kind === 'words' ? 'Up to three words' : 'Your answer'}
              value={text()}
              onInput={(e) => setText(e.currentTarget.value)}
            />
          </label>
        </Match>
      </Switch>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
      <button type="submit" class="button button-primary">
        {previous() ? 'Change answer' : 'Answer'}
      </button>
    </form>
  )
}
