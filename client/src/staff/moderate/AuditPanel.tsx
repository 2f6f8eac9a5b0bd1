import { createMemo, createSignal, For, Show } from 'solid-js'
import type { StaffRoom } from '../model/room.ts'
import { excerpt, formatClockTime } from '../ui/format.ts'
import { auditAction } from './audit-text.ts'

const PAGE = 50

/** The moderation history the server writes: newest first, a page at a time. */
export function AuditPanel(props: { room: StaffRoom }) {
  const [shown, setShown] = createSignal(PAGE)
  const entries = createMemo(() => {
    props.room.version()
    return props.room.mod.audit().slice().reverse()
  })
  const target = (id: string | null) => {
    if (!id) return ''
    const text =
      props.room.pub.question(id)?.text ??
      props.room.mod.pending(id)?.text ??
      props.room.mod.rejected().find((item) => item.id === id)?.text
    return text ? `“${excerpt(text, 60)}”` : ''
  }
  const actor = (id: string, name: string | null) =>
    id === props.room.actor.userId ? 'You' : (name ?? 'A staff member')

  return (
    <section class="panel audit" aria-labelledby="audit-heading">
      <h2 id="audit-heading">History</h2>
      <Show
        when={entries().length > 0}
        fallback={<p class="st-empty">Nothing yet. Every moderation decision is recorded here.</p>}
      >
        <ol class="audit-list">
          <For each={entries().slice(0, shown())}>
            {(entry) => (
              <li>
                <time datetime={new Date(entry.at).toISOString()}>{formatClockTime(entry.at)}</time>{' '}
                <span class="audit-actor">{actor(entry.actorId, entry.actorName)}</span>{' '}
                <span class="audit-action">{auditAction(entry.action)}</span>{' '}
                <span>{target(entry.targetId)}</span>
                <Show when={entry.detail}>
                  <span class="audit-detail"> ({entry.detail})</span>
                </Show>
              </li>
            )}
          </For>
        </ol>
        <Show when={entries().length > shown()}>
          <button type="button" class="btn btn-quiet" onClick={() => setShown(shown() + PAGE)}>
            Show older entries
          </button>
        </Show>
      </Show>
    </section>
  )
}
