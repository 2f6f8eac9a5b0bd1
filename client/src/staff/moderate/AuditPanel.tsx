import { type AuditEntry, AuditLog, type Role } from '@podium/shared'
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
import { formatClockTime } from '../ui/format.ts'
import { type AuditLookup, describeAudit } from './audit-text.ts'

const PAGE = 50
/** Who did it, when their name is not known: their role says more than "a staff member". */
const UNNAMED: Record<Role, string> = {
  host: 'The host',
  moderator: 'A moderator',
  presenter: 'A presenter',
  attendee: 'An attendee',
}
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
  /** What the documents still say about entries' targets. */
  const lookup: AuditLookup = {
    question: (id) =>
      props.room.pub.question(id)?.text ??
      props.room.mod.pending(id)?.text ??
      props.room.mod.rejected().find((item) => item.id === id)?.text,
    replyQuestion: (id) => {
      const questionId =
        props.room.pub.replies().find((r) => r.id === id)?.questionId ??
        props.room.mod.pending(id)?.questionId ??
        props.room.mod.rejected().find((item) => item.id === id)?.questionId
      return questionId ? lookup.question(questionId) : undefined
    },
    agendaItem: (id) => props.room.pub.agenda().find((item) => item.id === id)?.title,
  }
  const describe = (entry: AuditEntry) => {
    props.room.version()
    return describeAudit(entry, lookup)
  }
  const actor = (entry: AuditEntry) => {
    if (entry.actorId === null) return 'Someone (not known to this server)'
    if (entry.actorId === props.room.actor.userId) return 'You'
    return entry.actorName ?? UNNAMED[entry.actorRole ?? 'moderator']
  }

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
            {(entry) => {
              const said = () => describe(entry)
              return (
                <li>
                  <time datetime={new Date(entry.at).toISOString()}>
                    {formatClockTime(entry.at)}
                  </time>{' '}
                  <span class="audit-actor" dir="auto">
                    {actor(entry)}
                  </span>{' '}
                  <span class="audit-action">{said().action}</span>
                  <Show when={said().target}>
                    {(target) => (
                      <>
                        {' '}
                        <span class="audit-target" dir="auto">
                          {target()}
                        </span>
                      </>
                    )}
                  </Show>
                  <Show when={said().detail}>
                    {(detail) => (
                      <span class="audit-detail" dir="auto">
                        {' '}
                        ({detail()})
                      </span>
                    )}
                  </Show>
                </li>
              )
            }}
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
