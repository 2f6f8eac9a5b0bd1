import type { AgendaItem } from '@podium/shared'
import { Limits } from '@podium/shared'
import { createMemo, createSignal, For, Show } from 'solid-js'
import {
  addItem,
  dedupeAgenda,
  minutesToSeconds,
  moveItem,
  nextItem,
  removeItem,
  updateItem,
} from '../model/agenda.ts'
import { keyedList } from '../model/keyed.ts'
import type { StaffRoom } from '../model/room.ts'
import { requestTimer } from '../model/timer.ts'
import { formatDuration } from '../ui/format.ts'

/** Add, rename, time, reorder and remove agenda items, and choose the current one. */
export function AgendaEditor(props: { room: StaffRoom }) {
  const items = createMemo(() => {
    props.room.version()
    return dedupeAgenda(props.room.pub.agenda())
  })
  const { ids, byId } = keyedList(items)
  const currentId = createMemo(() => {
    props.room.version()
    return props.room.pub.stage().currentItemId
  })
  const [title, setTitle] = createSignal('')
  const [minutes, setMinutes] = createSignal('10')
  const [error, setError] = createSignal<string | null>(null)
  const [announce, setAnnounce] = createSignal('')

  /** Writes the new list, or shows why not. */
  const apply = (next: AgendaItem[] | string): boolean => {
    if (typeof next === 'string') {
      setError(next)
      return false
    }
    setError(null)
    props.room.pub.setAgenda(next)
    return true
  }

  const add = (event: Event) => {
    event.preventDefault()
    const seconds = minutesToSeconds(minutes())
    if (!Number.isFinite(seconds)) {
      setError('Enter the duration in minutes, for example 10 or 2.5.')
      return
    }
    if (apply(addItem(items(), title(), seconds))) {
      setAnnounce(`Added “${title().trim()}”.`)
      setTitle('')
    }
  }

  /** Makes an item current and loads its duration into the (stopped) timer. */
  const makeCurrent = (item: AgendaItem) => {
    props.room.pub.doc.transact(() => {
      props.room.pub.setStage({ currentItemId: item.id })
      if (item.durationSec > 0) requestTimer(props.room, 'reset', item.durationSec * 1000)
    })
    setAnnounce(`Now: ${item.title}.`)
  }

  const move = (item: AgendaItem, delta: number) => {
    apply(moveItem(items(), item.id, delta))
    setAnnounce(`Moved “${item.title}” ${delta < 0 ? 'up' : 'down'}.`)
  }

  const remove = (item: AgendaItem) => {
    props.room.pub.doc.transact(() => {
      apply(removeItem(items(), item.id))
      if (currentId() === item.id) props.room.pub.setStage({ currentItemId: null })
    })
    setAnnounce(`Removed “${item.title}”.`)
  }

  const next = () => nextItem(items(), currentId())

  return (
    <section class="panel agenda" aria-labelledby="agenda-heading">
      <h2 id="agenda-heading">Agenda</h2>
      <Show
        when={items().length > 0}
        fallback={<p class="st-empty">No agenda yet. Add the first item below.</p>}
      >
        <ol class="agenda-list">
          <For each={ids()}>
            {(id, index) => (
              <Show when={byId().get(id)}>
                {(row) => (
                  <AgendaRow
                    item={row()}
                    first={index() === 0}
                    last={index() === ids().length - 1}
                    current={currentId() === id}
                    onUpdate={(patch) => apply(updateItem(items(), id, patch))}
                    onMakeCurrent={() => makeCurrent(row())}
                    onMove={(delta) => move(row(), delta)}
                    onRemove={() => remove(row())}
                  />
                )}
              </Show>
            )}
          </For>
        </ol>
        <Show when={next()}>
          {(item) => (
            <button type="button" class="btn btn-primary" onClick={() => makeCurrent(item())}>
              {currentId() ? 'Next item' : 'Start with the first item'}:{' '}
              <span dir="auto">{item().title}</span>
            </button>
          )}
        </Show>
      </Show>
      <form class="row agenda-add" onSubmit={add}>
        <label class="st-field agenda-title">
          <span>New item</span>
          <input
            type="text"
            value={title()}
            maxLength={Limits.titleLength}
            onInput={(e) => setTitle(e.currentTarget.value)}
          />
        </label>
        <label class="st-field agenda-minutes">
          <span>Minutes</span>
          <input
            type="number"
            min="0"
            max="1440"
            step="0.5"
            inputmode="decimal"
            value={minutes()}
            onInput={(e) => setMinutes(e.currentTarget.value)}
          />
        </label>
        <button type="submit" class="btn">
          Add item
        </button>
      </form>
      <p class="visually-hidden" role="status" aria-live="polite">
        {announce()}
      </p>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
    </section>
  )
}

function AgendaRow(props: {
  item: AgendaItem
  first: boolean
  last: boolean
  current: boolean
  onUpdate(patch: Partial<Omit<AgendaItem, 'id'>>): void
  onMakeCurrent(): void
  onMove(delta: number): void
  onRemove(): void
}) {
  return (
    <li classList={{ current: props.current }}>
      <div class="agenda-fields">
        <label class="st-field agenda-title">
          <span>Title</span>
          <input
            type="text"
            dir="auto"
            value={props.item.title}
            maxLength={Limits.titleLength}
            onChange={(e) => props.onUpdate({ title: e.currentTarget.value })}
          />
        </label>
        <label class="st-field agenda-minutes">
          <span>Minutes</span>
          <input
            type="number"
            min="0"
            max="1440"
            step="0.5"
            inputmode="decimal"
            value={props.item.durationSec / 60}
            onChange={(e) =>
              props.onUpdate({ durationSec: minutesToSeconds(e.currentTarget.value) })
            }
          />
        </label>
      </div>
      <div class="row agenda-actions">
        <Show
          when={props.current}
          fallback={
            <button type="button" class="btn" onClick={() => props.onMakeCurrent()}>
              Make current<span class="visually-hidden">: {props.item.title}</span>
            </button>
          }
        >
          <span class="st-badge st-badge-live">
            Current · {formatDuration(props.item.durationSec * 1000)}
          </span>
        </Show>
        <button
          type="button"
          class="btn btn-quiet"
          disabled={props.first}
          onClick={() => props.onMove(-1)}
        >
          Up<span class="visually-hidden">: move {props.item.title} earlier</span>
        </button>
        <button
          type="button"
          class="btn btn-quiet"
          disabled={props.last}
          onClick={() => props.onMove(1)}
        >
          Down<span class="visually-hidden">: move {props.item.title} later</span>
        </button>
        <button
          type="button"
          class="btn btn-quiet btn-danger-text"
          onClick={() => props.onRemove()}
        >
          Remove<span class="visually-hidden">: {props.item.title}</span>
        </button>
      </div>
    </li>
  )
}
