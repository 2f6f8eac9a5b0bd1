import type { QuestionOrder } from '@podium/shared'
import { createMemo, For, Show } from 'solid-js'
import { type Moderation, QuestionTab, TAB_LABELS } from '../model/moderation-state.ts'
import { QuestionCard } from './QuestionCard.tsx'

/** Published questions with filters: open, answered, hidden and archived; search; label. */
export function QuestionsPanel(props: { m: Moderation; now: number }) {
  const m = () => props.m
  const labels = createMemo(() => {
    m().room.version()
    return m().room.pub.labels()
  })
  const emptyText = () => {
    if (m().search() || m().label()) return 'No question matches this filter.'
    if (m().counts().all === 0)
      return 'No questions yet. They appear here as soon as they are published.'
    return `No ${TAB_LABELS[m().tab()].toLowerCase()} questions.`
  }

  return (
    <section class="panel questions" aria-labelledby="questions-heading">
      <h2 id="questions-heading">Questions</h2>
      <div class="filters">
        <fieldset class="st-segmented">
          <legend class="visually-hidden">Show</legend>
          <For each={Object.values(QuestionTab)}>
            {(tab) => (
              <button
                type="button"
                class="btn"
                aria-pressed={m().tab() === tab}
                onClick={() => m().setTab(tab)}
              >
                {TAB_LABELS[tab]} <span class="count">{m().counts()[tab]}</span>
              </button>
            )}
          </For>
        </fieldset>
        <div class="row filter-fields">
          <label class="st-field">
            <span>Search</span>
            <input
              type="search"
              value={m().search()}
              onInput={(e) => m().setSearch(e.currentTarget.value)}
            />
          </label>
          <label class="st-field">
            <span>Order</span>
            <select
              value={m().order()}
              onChange={(e) => m().setOrder(e.currentTarget.value as QuestionOrder)}
            >
              <option value="popular">Most votes</option>
              <option value="recent">Newest</option>
            </select>
          </label>
          <Show when={labels().length > 0}>
            <label class="st-field">
              <span>Label</span>
              <select
                value={m().label() ?? ''}
                onChange={(e) => m().setLabel(e.currentTarget.value || null)}
              >
                <option value="">Any</option>
                <For each={labels()}>{(l) => <option value={l.id}>{l.name}</option>}</For>
              </select>
            </label>
          </Show>
        </div>
      </div>
      <Show when={m().questionIds().length > 0} fallback={<p class="st-empty">{emptyText()}</p>}>
        <div class="list">
          <For each={m().questionIds()}>
            {(id) => <QuestionCard id={id} m={m()} now={props.now} />}
          </For>
        </div>
      </Show>
    </section>
  )
}
