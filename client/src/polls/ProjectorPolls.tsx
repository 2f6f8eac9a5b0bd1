import { createSignal, For, onCleanup, Show } from 'solid-js'
import { type PollView, pollViews, secondsLeft, shownPolls } from './model.ts'
import { LeaderboardView, PollResultsView } from './Results.tsx'
import './polls.css'

/** How long the projector keeps a closed poll's results up once nothing else is open. */
export const RESULTS_SHOWN_MS = 2 * 60_000

/**
 * The projector's poll: the open poll (bars that move as answers come, the cloud that
 * grows), then its results and a quiz's leaderboard for a while after it closes.
 */
export function projectorPolls(
  pub: import('yjs').Doc,
  serverNow: number,
  mod?: import('yjs').Doc | null,
): PollView[] {
  return shownPolls(pollViews(pub, mod)).filter(
    (v) =>
      v.poll.status === 'open' ||
      (v.results.closedAt !== null && serverNow - v.results.closedAt < RESULTS_SHOWN_MS),
  )
}

export function ProjectorPolls(props: { views: PollView[]; serverNow: () => number }) {
  const [now, setNow] = createSignal(props.serverNow())
  const tick = setInterval(() => setNow(props.serverNow()), 500)
  onCleanup(() => clearInterval(tick))
  return (
    <For each={props.views}>
      {(view) => (
        <section class="projector-poll" aria-label="Poll">
          <h2 class="projector-poll-question" dir="auto">
            {view.poll.question}
          </h2>
          <Show when={secondsLeft(view, now())}>
            {(left) => <p class="projector-item">{left()} seconds left</p>}
          </Show>
          <Show
            when={view.poll.results === 'live' || view.poll.status === 'closed'}
            fallback={<p class="projector-item">{view.results.total} answers so far</p>}
          >
            <PollResultsView view={view} big />
          </Show>
          <Show when={view.poll.status === 'closed' && view.leaderboard}>
            {(board) => <LeaderboardView board={board()} big />}
          </Show>
        </section>
      )}
    </For>
  )
}
