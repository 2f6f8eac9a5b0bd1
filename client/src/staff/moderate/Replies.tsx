import { Limits } from '@podium/shared'
import { createMemo, createSignal, For, Show } from 'solid-js'
import { postReply, setReplyHidden } from '../model/actions.ts'
import type { StaffRoom } from '../model/room.ts'
import { authorLabel } from '../ui/format.ts'

const ROLE_BADGE = {
  host: 'Host',
  moderator: 'Moderator',
  presenter: 'Presenter',
  attendee: '',
} as const

/** A question's replies (staff may hide them) and, when open, the form to reply as staff. */
export function Replies(props: {
  room: StaffRoom
  questionId: string
  formOpen: boolean
  onClose(): void
  onError(message: string | null): void
}) {
  const replies = createMemo(() => {
    props.room.version()
    return props.room.pub.replies(props.questionId)
  })
  const [text, setText] = createSignal('')
  const fieldId = () => `reply-${props.questionId}`

  const send = (event: Event) => {
    event.preventDefault()
    const error = postReply(props.room, props.questionId, text())
    props.onError(error)
    if (!error) {
      setText('')
      props.onClose()
    }
  }

  return (
    <>
      <Show when={replies().length > 0}>
        <ul class="st-replies" aria-label="Replies">
          <For each={replies()}>
            {(reply) => (
              <li classList={{ 'reply-hidden': reply.hidden }}>
                <span class="reply-author">
                  <span dir="auto">{authorLabel(reply.authorName)}</span>
                  <Show when={ROLE_BADGE[reply.authorRole]}>
                    {(badge) => <span class="st-badge">{badge()}</span>}
                  </Show>
                  <Show when={reply.hidden}>
                    <span class="st-badge st-badge-muted">Hidden</span>
                  </Show>
                </span>
                <span class="st-reply-text" dir="auto">
                  {reply.text}
                </span>
                <button
                  type="button"
                  class="btn btn-quiet btn-small"
                  onClick={() => setReplyHidden(props.room, reply.id, !reply.hidden)}
                >
                  {reply.hidden ? 'Show reply' : 'Hide reply'}
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={props.formOpen}>
        <form class="inline-form" onSubmit={send}>
          <label for={fieldId()}>Reply as {ROLE_BADGE[props.room.actor.role] || 'staff'}</label>
          <textarea
            dir="auto"
            id={fieldId()}
            rows={2}
            maxLength={Limits.replyLength}
            value={text()}
            onInput={(e) => setText(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') props.onClose()
            }}
            ref={(el) => queueMicrotask(() => el.focus())}
          />
          <div class="row">
            <button type="submit" class="btn btn-primary">
              Post reply
            </button>
            <button type="button" class="btn" onClick={() => props.onClose()}>
              Cancel
            </button>
          </div>
        </form>
      </Show>
    </>
  )
}
