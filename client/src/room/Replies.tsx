import { Limits, repliesFor, stateLabel } from '@podium/shared'
import { createSignal, For, Show } from 'solid-js'
import { CountedTextarea, textLength } from '../components/CountedTextarea.tsx'
import { derive, sameJson, useRoom } from './context.ts'
import { qaClosedReason } from './qa-state.ts'

function roleTag(role: string): string | null {
  if (role === 'host') return 'Host'
  if (role === 'moderator') return 'Moderator'
  if (role === 'presenter') return 'Presenter'
  return null
}

/** A question's replies, and a form to add one. */
export function Replies(props: { questionId: string }) {
  const room = useRoom()
  const replies = derive(
    room,
    () => repliesFor(room.public, room.outbox, props.questionId, room.identity),
    sameJson,
  )
  const closed = derive(room, () => qaClosedReason(room.public))
  const [text, setText] = createSignal('')
  const length = () => textLength(text().trim())
  const canSend = () => !closed() && length() > 0 && length() <= Limits.replyLength

  const submit = (event: SubmitEvent) => {
    event.preventDefault()
    if (!canSend()) return
    room.outbox.reply(props.questionId, text().trim())
    setText('')
  }

  return (
    <div class="replies">
      <Show when={replies().length > 0} fallback={<p class="hint">No replies yet.</p>}>
        <ul class="plain-list reply-list">
          <For each={replies()}>
            {(reply) => (
              <li class="reply" data-state={reply.state}>
                <p class="reply-text" dir="auto">
                  {reply.text}
                </p>
                <p class="reply-meta">
                  <span dir="auto">{reply.authorName ?? 'Anonymous'}</span>
                  <Show when={roleTag(reply.authorRole)}>
                    {(tag) => <span class="tag tag-staff">{tag()}</span>}
                  </Show>
                  <Show when={reply.state !== 'published'}>
                    <span class={`state state-${reply.state}`}>
                      {stateLabel(reply.state)}
                      <Show when={reply.reason}>{(reason) => <>: {reason()}</>}</Show>
                    </span>
                  </Show>
                </p>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={!closed()}>
        <form class="reply-form" onSubmit={submit}>
          <CountedTextarea
            label="Your reply"
            name="reply"
            value={text()}
            onInput={setText}
            max={Limits.replyLength}
            rows={2}
          />
          <button class="button" type="submit" disabled={!canSend()}>
            Send reply
          </button>
        </form>
      </Show>
    </div>
  )
}
