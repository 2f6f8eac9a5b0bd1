import type { PendingItem } from '@podium/shared'
import { Limits, PublicPolls } from '@podium/shared'
import { createSignal, Show } from 'solid-js'
import { approve, editPending, reject, undoDecision } from '../model/actions.ts'
import type { Moderation } from '../model/moderation-state.ts'
import { targetKey } from '../model/moderation-state.ts'
import { authorLabel, excerpt, formatAgo } from '../ui/format.ts'
import { focusRow } from './focus.ts'

/** One item waiting for review: approve, reject with a reason, or edit first. */
/**
 * What a queued item is: a new question, a reply, new text for a published question, or an
 * open-text poll answer (which shows in the poll's results once approved).
 */
const KIND_LABEL: Record<PendingItem['kind'], string> = {
  question: 'Question',
  reply: 'Reply',
  edit: 'Edit of a question',
  'poll-answer': 'Poll answer',
}

export function PendingCard(props: { id: string; m: Moderation; now: number }) {
  return (
    <Show when={props.m.pendingById().get(props.id)}>
      {(item) => <PendingCardBody item={item()} m={props.m} now={props.now} />}
    </Show>
  )
}

function PendingCardBody(props: { item: PendingItem; m: Moderation; now: number }) {
  const room = () => props.m.room
  const key = () => targetKey({ kind: 'pending', id: props.item.id })
  const selected = () => props.m.selected() === key()
  const rejecting = () => props.m.rejecting() === props.item.id
  const editing = () => props.m.editing() === props.item.id
  const [reason, setReason] = createSignal('')
  const [draft, setDraft] = createSignal('')
  const [error, setError] = createSignal<string | null>(null)
  const headingId = () => `pending-${props.item.id}`
  const repliedTo = () => {
    room().version()
    const id = props.item.questionId
    return id ? room().pub.question(id) : undefined
  }
  const poll = () => {
    room().version()
    const id = props.item.pollId
    return id ? new PublicPolls(room().pub.doc).poll(id) : undefined
  }

  let card: HTMLElement | undefined
  /** Closes the reject or edit form and puts focus back on the card, not on the page. */
  const closeForms = () => {
    props.m.setRejecting(null)
    props.m.setEditing(null)
    queueMicrotask(() => card?.focus())
  }
  const done = (result: string | null) => {
    setError(result)
    return result === null
  }
  /** Decided: the selection and focus move on to the next row (this one is on its way out). */
  const moveOn = () => {
    const root = card?.closest('.moderation') ?? document
    focusRow(props.m.advance(key()), root)
  }
  const confirmReject = (event: Event) => {
    event.preventDefault()
    if (done(reject(room(), props.item.id, reason()))) {
      props.m.setRejecting(null)
      setReason('')
      queueMicrotask(moveOn)
    }
  }
  const startEdit = () => {
    setDraft(props.item.text)
    props.m.setEditing(props.item.id)
  }
  const saveEdit = (event: Event) => {
    event.preventDefault()
    if (done(editPending(room(), props.item.id, draft()))) closeForms()
  }

  return (
    <article
      ref={card}
      class="item item-pending"
      classList={{ selected: selected(), decided: props.item.decision !== null }}
      data-key={key()}
      tabindex={selected() ? 0 : -1}
      aria-labelledby={headingId()}
      onFocusIn={() => props.m.setSelected(key())}
    >
      <header class="item-meta">
        <span id={headingId()} class="item-author">
          {KIND_LABEL[props.item.kind]} from{' '}
          <span dir="auto">{authorLabel(props.item.authorName)}</span>
        </span>
        <span class="item-time">{formatAgo(props.item.createdAt, props.now)}</span>
      </header>
      <Show when={props.item.kind === 'reply'}>
        <p class="item-context">
          To:{' '}
          <span dir="auto">
            {repliedTo() ? excerpt(repliedTo()?.text ?? '', 100) : 'a question no longer listed'}
          </span>
        </p>
      </Show>
      <Show when={props.item.kind === 'poll-answer'}>
        <p class="item-context">
          Poll:{' '}
          <span dir="auto">
            {poll() ? excerpt(poll()?.question ?? '', 100) : 'a poll no longer listed'}
          </span>
        </p>
      </Show>
      <Show when={props.item.kind === 'edit'}>
        <p class="item-context">
          Shown now:{' '}
          <span dir="auto">
            {repliedTo()
              ? excerpt(repliedTo()?.text ?? '', 100)
              : 'the question is no longer listed'}
          </span>
        </p>
      </Show>
      <Show
        when={editing()}
        fallback={
          <p class="item-text" dir="auto">
            {props.item.text}
          </p>
        }
      >
        <form class="inline-form" onSubmit={saveEdit}>
          <label for={`edit-${props.item.id}`}>Edit the text before deciding</label>
          <textarea
            dir="auto"
            id={`edit-${props.item.id}`}
            value={draft()}
            rows={3}
            onInput={(e) => setDraft(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') closeForms()
            }}
            ref={(el) => queueMicrotask(() => el.focus())}
          />
          <div class="row">
            <button type="submit" class="btn btn-primary">
              Save text
            </button>
            <button type="button" class="btn" onClick={() => closeForms()}>
              Cancel
            </button>
          </div>
        </form>
      </Show>
      <Show
        when={props.item.decision}
        fallback={
          <Show
            when={rejecting()}
            fallback={
              <div class="row actions">
                <button
                  type="button"
                  class="btn btn-primary"
                  onClick={() => {
                    if (done(approve(room(), props.item.id))) moveOn()
                  }}
                >
                  Approve
                </button>
                <button
                  type="button"
                  class="btn btn-danger"
                  onClick={() => props.m.setRejecting(props.item.id)}
                >
                  Reject…
                </button>
                <Show when={!editing()}>
                  <button type="button" class="btn" onClick={startEdit}>
                    Edit
                  </button>
                </Show>
              </div>
            }
          >
            <form class="inline-form" onSubmit={confirmReject}>
              <label for={`reason-${props.item.id}`}>
                Reason for the author (optional, only they see it)
              </label>
              <input
                dir="auto"
                id={`reason-${props.item.id}`}
                type="text"
                maxLength={Limits.reasonLength}
                value={reason()}
                onInput={(e) => setReason(e.currentTarget.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Escape') closeForms()
                }}
                ref={(el) => queueMicrotask(() => el.focus())}
              />
              <div class="row">
                <button type="submit" class="btn btn-danger">
                  Reject
                </button>
                <button type="button" class="btn" onClick={() => closeForms()}>
                  Cancel
                </button>
              </div>
            </form>
          </Show>
        }
      >
        {(decision) => (
          <div class="row decided-note">
            <span>
              {decision().action === 'approve' ? 'Approved' : 'Rejected'} by{' '}
              {decision().byName ?? 'a moderator'}; waiting for the server.
            </span>
            <button
              type="button"
              class="btn btn-quiet"
              onClick={() => done(undoDecision(room(), props.item.id))}
            >
              Undo
            </button>
          </div>
        )}
      </Show>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
    </article>
  )
}
