import type { Leaderboard } from '@podium/shared'
import { For, Show } from 'solid-js'
import { type PollView, shares } from './model.ts'

const plural = (n: number, one: string) => `${n} ${n === 1 ? one : `${one}s`}`

/** Labels of a poll's bars: its options, or the ratings 1 to 5. */
function barLabels(view: PollView): string[] {
  return view.poll.kind === 'rating' ? ['1', '2', '3', '4', '5'] : view.poll.options
}

/**
 * A poll's results: bars (their width animates as counts change), the word cloud or the
 * newest texts; or, while withheld, how many have answered.
 */
export function PollResultsView(props: { view: PollView; big?: boolean }) {
  const results = () => props.view.results
  const poll = () => props.view.poll
  const fractions = () => shares(results().counts, results().total)
  const correct = () => new Set(results().correct ?? [])
  const maxWord = () => Math.max(1, ...results().words.map(([, n]) => n))
  return (
    <div class="poll-results" classList={{ 'poll-results-big': props.big === true }}>
      <p class="poll-total">
        {plural(results().total, 'answer')}
        <Show when={poll().kind === 'rating' && results().average !== null}>
          {' '}
          · average {results().average}
        </Show>
      </p>
      <Show when={results().hidden}>
        <p class="hint">Results are shown when the poll closes.</p>
      </Show>
      <Show when={!results().hidden && results().counts.length > 0}>
        <ol class="poll-bars">
          <For each={barLabels(props.view)}>
            {(label, i) => (
              <li class="poll-bar" classList={{ 'poll-bar-correct': correct().has(i()) }}>
                <span class="poll-bar-label" dir="auto">
                  {label}
                  <Show when={correct().has(i())}>
                    <span class="poll-correct-mark">
                      {' '}
                      ✓<span class="visually-hidden"> right answer</span>
                    </span>
                  </Show>
                </span>
                <span class="poll-bar-track" aria-hidden="true">
                  <span
                    class="poll-bar-fill"
                    style={{ width: `${Math.round((fractions()[i()] ?? 0) * 100)}%` }}
                  />
                </span>
                <span class="poll-bar-count">
                  {results().counts[i()] ?? 0}
                  <span class="visually-hidden"> answers</span> (
                  {Math.round((fractions()[i()] ?? 0) * 100)}%)
                </span>
              </li>
            )}
          </For>
        </ol>
      </Show>
      <Show when={!results().hidden && poll().kind === 'words' && results().words.length > 0}>
        <ul class="word-cloud" aria-label="Word cloud">
          <For each={results().words}>
            {([word, count]) => (
              <li
                class="word"
                style={{
                  'font-size': `${(props.big ? 1.2 : 0.9) + (count / maxWord()) * (props.big ? 3 : 1.4)}rem`,
                }}
              >
                <span dir="auto">{word}</span>
                <span class="visually-hidden"> ({count})</span>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={!results().hidden && poll().kind === 'text' && results().texts.length > 0}>
        <ul class="poll-texts">
          <For each={results().texts}>
            {(t) => (
              <li dir="auto">
                {t.text}
                <Show when={t.name}>
                  {(name) => <span class="poll-text-name"> — {name()}</span>}
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </div>
  )
}

/** A quiz's top ten. */
export function LeaderboardView(props: { board: Leaderboard; big?: boolean }) {
  return (
    <div class="leaderboard" classList={{ 'leaderboard-big': props.big === true }}>
      <h3 class="leaderboard-title">
        Leaderboard <span class="hint">({plural(props.board.players, 'player')})</span>
      </h3>
      <ol class="leaderboard-list">
        <For each={props.board.top}>
          {(p) => (
            <li class="leaderboard-row">
              <span class="leaderboard-rank">{p.rank}.</span>
              <span class="leaderboard-name" dir="auto">
                {p.name}
              </span>
              <span class="leaderboard-points">{p.points}</span>
            </li>
          )}
        </For>
      </ol>
    </div>
  )
}
