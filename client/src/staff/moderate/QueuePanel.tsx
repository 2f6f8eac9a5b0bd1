import { createEffect, createMemo, createSignal, For, on, Show } from 'solid-js'
import type { Moderation } from '../model/moderation-state.ts'
import { authorLabel, excerpt, plural } from '../ui/format.ts'
import { PendingCard } from './PendingCard.tsx'

/** The pre-moderation queue, with a polite announcement of each new arrival. */
export function QueuePanel(props: { m: Moderation; now: number }) {
  const [announcement, setAnnouncement] = createSignal('')
  const preModeration = createMemo(() => {
    props.m.room.version()
    return props.m.room.pub.settings().preModeration
  })
  const seen = new Set<string>()
  let first = true
  createEffect(
    on(props.m.queue, (queue) => {
      const fresh = queue.filter((item) => !seen.has(item.id))
      for (const item of queue) seen.add(item.id)
      if (first) {
        first = false
        return
      }
      if (fresh.length === 1 && fresh[0]) {
        const item = fresh[0]
        setAnnouncement(
          `New ${item.kind === 'poll-answer' ? 'poll answer' : item.kind} in the queue from ${authorLabel(item.authorName)}: ${excerpt(item.text, 60)}`,
        )
      } else if (fresh.length > 1) {
        setAnnouncement(`${plural(fresh.length, 'new item')} in the queue`)
      }
    }),
  )

  return (
    <section class="panel queue" aria-labelledby="queue-heading" tabindex="-1">
      <h2 id="queue-heading">
        Waiting for review <span class="count">{props.m.queue().length}</span>
      </h2>
      <p class="visually-hidden" role="status" aria-live="polite">
        {announcement()}
      </p>
      <Show
        when={props.m.queue().length > 0}
        fallback={
          <p class="st-empty">
            {preModeration()
              ? 'Nothing is waiting for review. New questions appear here before anyone else sees them.'
              : 'Pre-moderation is off: questions are published as soon as they are asked.'}
          </p>
        }
      >
        <div class="list">
          <For each={props.m.queueIds()}>
            {(id) => <PendingCard id={id} m={props.m} now={props.now} />}
          </For>
        </div>
      </Show>
    </section>
  )
}
