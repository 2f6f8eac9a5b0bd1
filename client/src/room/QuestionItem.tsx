import { createSignal, createUniqueId, Show } from 'solid-js'
import { CountedTextarea, textLength } from '../components/CountedTextarea.tsx'
import { derive, sameJson, useRoom } from './context.ts'
import { qaClosedReason } from './qa-state.ts'
import { Replies } from './Replies.tsx'
import { VoteButton } from './VoteButton.tsx'
import { pendingEdit, stateLabel } from './views.ts'

/** One published question: text, author, badges, vote, replies; edit and withdraw if mine. */
export function QuestionItem(props: { questionId: string; spotlight: boolean }) {
  const room = useRoom()
  const question = derive(room, () => room.public.question(props.questionId), sameJson)
  const edit = derive(room, () => pendingEdit(room.public, room.outbox, props.questionId), sameJson)
  const replyCount = derive(
    room,
    () => room.public.replies(props.questionId).filter((r) => !r.hidden).length,
  )
  const settings = derive(room, () => room.public.settings(), sameJson)
  const closed = derive(room, () => qaClosedReason(room.public))
  const mine = () => question()?.authorId === room.identity.userId
  const editable = () => mine() && !question()?.answered && !closed()

  const [showReplies, setShowReplies] = createSignal(false)
  const [editing, setEditing] = createSignal(false)
  const [draft, setDraft] = createSignal('')
  const repliesId = createUniqueId()

  const startEdit = () => {
    setDraft(edit()?.text ?? question()?.text ?? '')
    setEditing(true)
  }
  const draftLength = () => textLength(draft().trim())
  const canSave = () => draftLength() > 0 && draftLength() <= settings().maxQuestionLength
  const saveEdit = (event: SubmitEvent) => {
    event.preventDefault()
    if (!canSave()) return
    if (draft().trim() !== question()?.text) room.outbox.edit(props.questionId, draft().trim())
    setEditing(false)
  }
  const withdraw = () => {
    if (window.confirm('Withdraw this question? It will be removed from the list.')) {
      room.outbox.withdraw(props.questionId)
    }
  }

  return (
    <Show when={question()}>
      {(q) => (
        <article
          class="question"
          classList={{ 'question-answered': q().answered, 'question-mine': mine() }}
          aria-label={`Question by ${q().authorName ?? 'Anonymous'}`}
        >
          <VoteButton questionId={props.questionId} disabled={!!closed()} />
          <div class="question-body">
            <Show
              when={editing()}
              fallback={
                <p class="question-text">
                  {edit()?.state === 'rejected' ? q().text : (edit()?.text ?? q().text)}
                </p>
              }
            >
              <form class="edit-form" onSubmit={saveEdit}>
                <CountedTextarea
                  label="Edit your question"
                  value={draft()}
                  onInput={setDraft}
                  max={settings().maxQuestionLength}
                />
                <div class="form-row">
                  <button class="button button-primary" type="submit" disabled={!canSave()}>
                    Save
                  </button>
                  <button class="button" type="button" onClick={() => setEditing(false)}>
                    Cancel
                  </button>
                </div>
              </form>
            </Show>
            <p class="question-meta">
              <span class="author">{q().authorName ?? 'Anonymous'}</span>
              <Show when={mine()}>
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
              <Show when={q().editedAt}>
                <span class="edited">edited</span>
              </Show>
              <Show when={edit()}>
                {(e) => (
                  <span class={`state state-${e().state}`}>
                    {e().state === 'rejected'
                      ? `Edit not saved: ${e().reason ?? ''}`
                      : `Edit ${stateLabel(e().state).toLowerCase()}`}
                  </span>
                )}
              </Show>
            </p>
            <div class="question-actions">
              <button
                type="button"
                class="link-button"
                aria-expanded={showReplies()}
                aria-controls={repliesId}
                onClick={() => setShowReplies(!showReplies())}
              >
                {replyCount() === 1 ? '1 reply' : `${replyCount()} replies`}
              </button>
              <Show when={editable() && !editing()}>
                <button type="button" class="link-button" onClick={startEdit}>
                  Edit
                </button>
                <button type="button" class="link-button link-danger" onClick={withdraw}>
                  Withdraw
                </button>
              </Show>
            </div>
            <div id={repliesId}>
              <Show when={showReplies()}>
                <Replies questionId={props.questionId} />
              </Show>
            </div>
          </div>
        </article>
      )}
    </Show>
  )
}
