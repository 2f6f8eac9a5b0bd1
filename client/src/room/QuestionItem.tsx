import { isMine, type PendingEdit, stateLabel } from '@podium/shared'
import { createMemo, createSignal, createUniqueId, Show } from 'solid-js'
import { CountedTextarea, textLength } from '../components/CountedTextarea.tsx'
import { sameJson, useRoom } from './context.ts'
import { Replies } from './Replies.tsx'
import { VoteButton } from './VoteButton.tsx'

/** What every item of a list shares, derived once per change by the list rather than by each item. */
export interface ListViews {
  /** Why attendees can't vote or edit now, or null. */
  closed: string | null
  maxQuestionLength: number
  /** My edits not yet published, by question id. */
  edits: ReadonlyMap<string, PendingEdit>
  /** The questions my outbox asked (one asked anonymously does not name me in the document). */
  asked: ReadonlySet<string>
}

/**
 * One published question: text, author, badges, vote, replies; edit and withdraw if mine.
 * It re-reads its question when that question changes and its reply count when replies
 * do, not on every change of the documents: at 5,000 questions a vote tick would otherwise
 * re-derive 5,000 items for the few tallies it moved.
 */
export function QuestionItem(props: { questionId: string; spotlight: boolean; views: ListViews }) {
  const room = useRoom()
  const question = createMemo(() => {
    room.changes.question(props.questionId)
    return room.public.question(props.questionId)
  })
  const edit = createMemo(() => props.views.edits.get(props.questionId) ?? null, null, {
    equals: sameJson,
  })
  const replyCount = createMemo(() => {
    room.changes.replies()
    return room.public.replies(props.questionId).filter((r) => !r.hidden).length
  })
  const closed = () => props.views.closed
  const mine = () => {
    const q = question()
    return !!q && isMine(q, { userId: room.identity.userId, asked: props.views.asked })
  }
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
  const canSave = () => draftLength() > 0 && draftLength() <= props.views.maxQuestionLength
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
                <p class="question-text" dir="auto">
                  {edit()?.state === 'rejected' ? q().text : (edit()?.text ?? q().text)}
                </p>
              }
            >
              <form class="edit-form" onSubmit={saveEdit}>
                <CountedTextarea
                  label="Edit your question"
                  value={draft()}
                  onInput={setDraft}
                  max={props.views.maxQuestionLength}
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
              <span class="author" dir="auto">
                {q().authorName ?? 'Anonymous'}
              </span>
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
