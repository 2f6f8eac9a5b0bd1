import { createSignal, onCleanup, onMount, Show } from 'solid-js'
import { approve, setAnswered, setPinned, setStatus, toggleSpotlight } from '../model/actions.ts'
import { callOn } from '../model/hands.ts'
import { Shortcut, shortcutFor } from '../model/keyboard.ts'
import { createModeration, type Moderation, targetKey } from '../model/moderation-state.ts'
import type { StaffRoom } from '../model/room.ts'
import { AuditPanel } from './AuditPanel.tsx'
import { focusRow } from './focus.ts'
import { HandsPanel, nextHand } from './HandsPanel.tsx'
import { QuestionsPanel } from './QuestionsPanel.tsx'
import { QueuePanel } from './QueuePanel.tsx'
import { ShortcutHelp } from './ShortcutHelp.tsx'
import { SpotlightCard } from './SpotlightCard.tsx'

/** What `s` says on a queue item: only published questions go on screen. */
export const QUEUED_SPOTLIGHT =
  'A queued question goes on screen only once approved: press a to approve it, then select it among the questions and press s.'

/** What a shortcut does to the selected row; returns a short sentence for the live region. */
export function runShortcut(m: Moderation, action: Shortcut): string {
  const target = m.selectedTarget()
  const room = m.room
  const question = target?.kind === 'question' ? room.pub.question(target.id) : undefined
  const needQuestion = 'Select a question first (j and k move the selection).'
  const needPending = 'Select an item in the review queue first.'
  const result = (error: string | null, done: string) => error ?? done
  switch (action) {
    case Shortcut.next:
    case Shortcut.previous:
    case Shortcut.help:
    case Shortcut.callOn:
      // Calling on goes to the server: ModerationView runs it and says the outcome.
      return ''
    case Shortcut.approve: {
      if (target?.kind !== 'pending') return needPending
      const error = approve(room, target.id)
      if (error) return error
      m.advance(targetKey(target))
      return 'Approved.'
    }
    case Shortcut.reject:
      if (target?.kind !== 'pending') return needPending
      m.setRejecting(target.id)
      return ''
    case Shortcut.pin:
      if (!question) return needQuestion
      return result(
        setPinned(room, question.id, !question.pinned),
        question.pinned ? 'Unpinned.' : 'Pinned.',
      )
    case Shortcut.answered:
      if (!question) return needQuestion
      return result(
        setAnswered(room, question.id, !question.answered),
        question.answered ? 'Reopened.' : 'Marked answered.',
      )
    case Shortcut.hide: {
      if (!question) return needQuestion
      const restore = question.status !== 'published'
      return result(
        setStatus(room, question.id, restore ? 'published' : 'hidden'),
        restore ? 'Restored.' : 'Hidden.',
      )
    }
    case Shortcut.spotlight: {
      if (target?.kind === 'pending') return QUEUED_SPOTLIGHT
      if (!question) return needQuestion
      const wasOn = room.pub.stage().spotlightQuestionId === question.id
      return result(toggleSpotlight(room, question.id), wasOn ? 'Taken off screen.' : 'On screen.')
    }
    default: {
      const unknown: never = action
      throw new Error(`unknown shortcut ${String(unknown)}`)
    }
  }
}

/** The moderator console: review queue, questions, what is on screen, and the history. */
export function ModerationView(props: { room: StaffRoom }) {
  const m = createModeration(props.room)
  const [help, setHelp] = createSignal(false)
  const [notice, setNotice] = createSignal('')
  const [now, setNow] = createSignal(props.room.serverNow())
  let root: HTMLDivElement | undefined

  const tick = setInterval(() => setNow(props.room.serverNow()), 5_000)
  let clearNotice: ReturnType<typeof setTimeout> | undefined
  const say = (text: string) => {
    setNotice(text)
    clearTimeout(clearNotice)
    clearNotice = setTimeout(() => setNotice(''), 5_000)
  }
  onCleanup(() => {
    clearInterval(tick)
    clearTimeout(clearNotice)
  })

  const focusSelected = (key: string | null) => {
    if (key) focusRow(key, root)
  }

  const onKeyDown = (event: KeyboardEvent) => {
    if (help()) return
    const action = shortcutFor(event)
    if (!action) return
    event.preventDefault()
    switch (action) {
      case Shortcut.next:
        focusSelected(m.move(1))
        return
      case Shortcut.previous:
        focusSelected(m.move(-1))
        return
      case Shortcut.help:
        setHelp(true)
        return
      case Shortcut.callOn: {
        const hand = nextHand(props.room)
        if (!hand) say('No hand is waiting.')
        else void callOn(props.room, hand.userId, hand.name).then(say)
        return
      }
      default: {
        const before = m.selected()
        say(runShortcut(m, action))
        // A decision moved the selection on: focus follows it, not the row on its way out.
        if (m.selected() !== before) focusRow(m.selected(), root)
      }
    }
  }
  onMount(() => document.addEventListener('keydown', onKeyDown))
  onCleanup(() => document.removeEventListener('keydown', onKeyDown))

  return (
    <div class="moderation" ref={root}>
      <div class="moderation-bar">
        <p class="st-hint">
          Press <kbd>?</kbd> for keyboard shortcuts.
        </p>
        <p class="st-notice" role="status" aria-live="polite">
          {notice()}
        </p>
        <button type="button" class="btn btn-quiet" onClick={() => setHelp(true)}>
          Shortcuts
        </button>
      </div>
      <div class="moderation-grid">
        <QueuePanel m={m} now={now()} />
        <QuestionsPanel m={m} now={now()} />
        <div class="side">
          <HandsPanel room={props.room} now={now()} say={say} />
          <SpotlightCard room={props.room} />
          {/* The audit log is the host's and the moderators' (GET /api/sessions/:id/audit). */}
          <Show when={props.room.actor.role !== 'presenter'}>
            <AuditPanel room={props.room} />
          </Show>
        </div>
      </div>
      <Show when={help()}>
        <ShortcutHelp onClose={() => setHelp(false)} />
      </Show>
    </div>
  )
}
