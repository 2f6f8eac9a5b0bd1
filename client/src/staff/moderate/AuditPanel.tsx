import { AuditLog } from '@podium/shared'
import {
  createEffect,
  createMemo,
  createResource,
  createSignal,
  For,
  on,
  onCleanup,
  Show,
} from 'solid-js'
import { ApiError, api } from '../../lib/api.ts'
import type { StaffRoom } from '../model/room.ts'
import { excerpt, formatClockTime } from '../ui/format.ts'
import { auditAction } from './audit-text.ts'

const PAGE = 50
/** How soon after a change in the documents the log is read again (at most once per this). */
const REFRESH_MS = 1_500

/**
 * The audit log the server keeps (GET /api/sessions/:id/audit): newest first, a page at a
 * time. Read-only: only the server writes it, from what each connection did.
 */
export function AuditPanel(props: { room: StaffRoom }) {
  const [shown, setShown] = createSignal(PAGE)
  const path = () => `/api/sessions/${encodeURIComponent(props.room.sessionId)}/audit`
  const [log, { refetch }] = createResource(() =>
    api.get(path(), props.room.token, AuditLog).then((body) => body.entries.slice().reverse()),
  )
  // Something changed in the documents: read the log again soon, at most once per REFRESH_MS.
  let later: ReturnType<typeof setTimeout> | undefined
  createEffect(
    on(
      () => props.room.version(),
      () => {
        if (later !== undefined) return
        later = setTimeout(() => {
          later = undefined
          void refetch()
        }, REFRESH_MS)
      },
      { defer: true },
    ),
  )
  onCleanup(() => clearTimeout(later))
  const entries = createMemo(() => (log.error ? [] : (log.latest ?? [])))
  const target = (id: string | null) => {
    if (!id) return ''
    const text =
      props.room.pub.question(id)?.text ??
      props.room.mod.pending(id)?.text ??
      props.room.mod.rejected().find((item) => item.id === id)?.text
    return text ? `“${excerpt(text, 60)}”` : ''
  }
  const actor = (id: string | null, name: string | null) =>
    id === null
      ? 'Someone (not known to this server)'
      : id === props.room.actor.userId
        ? 'You'
        : (name ?? 'A staff member')

  return (
    <section class="panel audit" aria-labelledby="audit-heading">
      <h2 id="audit-heading">History</h2>
      <Show when={log.error}>
        <p class="error" role="alert">
          {log.error instanceof ApiError ? log.error.message : 'Could not load the history.'} The
          history needs a connection to the server.
        </p>
      </Show>
      <Show
        when={entries().length > 0}
        fallback={
          <Show when={!log.error && !log.loading}>
            <p class="st-empty">Nothing yet. Every moderation decision is recorded here.</p>
          </Show>
        }
      >
        <ol class="audit-list">
          <For each={entries().slice(0, shown())}>
            {(entry) => (
              <li>
                <time datetime={new Date(entry.at).toISOString()}>{formatClockTime(entry.at)}</time>{' '}
                <span class="audit-actor" dir="auto">
                  {actor(entry.actorId, entry.actorName)}
                </span>{' '}
                <span class="audit-action">{auditAction(entry.action)}</span>{' '}
                <span dir="auto">{target(entry.targetId)}</span>
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
