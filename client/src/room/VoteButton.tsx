import { voteEntryId, voteView } from '@podium/shared'
import { createMemo } from 'solid-js'
import { sameJson, useRoom } from './context.ts'

/** Upvote toggle: my vote shows at once, the count follows the server's once receipted. */
export function VoteButton(props: { questionId: string; disabled?: boolean }) {
  const room = useRoom()
  // Re-read when this question's count or my vote on it changes, not on every change.
  const view = createMemo(
    () => {
      room.changes.question(props.questionId)
      room.changes.outboxEntry(voteEntryId(props.questionId))
      return voteView(room.public, room.outbox, props.questionId)
    },
    undefined,
    { equals: sameJson },
  )
  const label = () => `${view().count} ${view().count === 1 ? 'vote' : 'votes'}`

  return (
    <button
      type="button"
      class="vote"
      classList={{ 'vote-on': view().voted, 'vote-pending': view().pending }}
      aria-pressed={view().voted}
      aria-label={`Upvote (${label()})`}
      title={view().voted ? 'Take back your vote' : 'Upvote'}
      disabled={props.disabled}
      onClick={() => room.outbox.vote(props.questionId, !view().voted)}
    >
      <span class="vote-arrow" aria-hidden="true">
        ▲
      </span>
      <span class="vote-count">{view().count}</span>
    </button>
  )
}
