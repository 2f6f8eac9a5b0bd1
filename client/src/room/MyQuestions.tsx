import { myQuestions, stateLabel } from '@podium/shared'
import { createMemo, createSignal, For, Show } from 'solid-js'
import { derive, sameJson, useRoom } from './context.ts'
import { dismissedQuestions, dismissQuestion } from './dismissed.ts'

/**
 * My questions that are not (or not yet) in the public list: waiting to send, waiting
 * for review, or not published (with the reason). Published ones are marked in the list.
 */
export function MyQuestions() {
  const room = useRoom()
  const sessionId = room.identity.sessionId
  const [dismissed, setDismissed] = createSignal(dismissedQuestions(sessionId))
  const mine = derive(
    room,
    () =>
      myQuestions(room.public, room.outbox).filter(
        (q) => q.state === 'sending' || q.state === 'waiting-for-review' || q.state === 'rejected',
      ),
    sameJson,
  )
  // The list is for what still needs the author's attention: a rejection read can go.
  const unpublished = createMemo(() =>
    mine().filter((q) => !(q.state === 'rejected' && dismissed().has(q.questionId))),
  )

  const withdraw = (questionId: string) => {
    if (window.confirm('Withdraw this question? Moderators will no longer see it.')) {
      room.outbox.withdraw(questionId)
    }
  }

  return (
    <Show when={unpublished().length > 0}>
      <section class="card mine" aria-labelledby="mine-heading">
        <h2 id="mine-heading">Your questions not in the list yet</h2>
        <ul class="plain-list">
          <For each={unpublished()}>
            {(question) => (
              <li class="my-question" data-state={question.state}>
                <p class="question-text" dir="auto">
                  {question.text}
                </p>
                <p class={`state state-${question.state}`}>
                  {stateLabel(question.state)}
                  <Show when={question.reason}>{(reason) => <>: {reason()}</>}</Show>
                </p>
                <Show when={question.state === 'rejected'}>
                  <button
                    type="button"
                    class="link-button"
                    onClick={() => setDismissed(dismissQuestion(sessionId, question.questionId))}
                  >
                    Dismiss
                  </button>
                </Show>
                <Show when={question.state === 'waiting-for-review'}>
                  <button
                    type="button"
                    class="link-button link-danger"
                    onClick={() => withdraw(question.questionId)}
                  >
                    Withdraw
                  </button>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </section>
    </Show>
  )
}
