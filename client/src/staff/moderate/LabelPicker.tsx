import type { Question } from '@podium/shared'
import { Limits } from '@podium/shared'
import { createMemo, createSignal, For, Show } from 'solid-js'
import { createLabel, LABEL_COLORS, toggleLabel } from '../model/actions.ts'
import type { StaffRoom } from '../model/room.ts'

const COLOR_NAMES: Record<(typeof LABEL_COLORS)[number], string> = {
  '#1d4ed8': 'Blue',
  '#047857': 'Green',
  '#b45309': 'Amber',
  '#b91c1c': 'Red',
  '#6d28d9': 'Violet',
  '#be185d': 'Pink',
}

/** Tick the labels a question carries, or make a new one and add it. */
export function LabelPicker(props: {
  room: StaffRoom
  question: Question
  onError(message: string | null): void
}) {
  const labels = createMemo(() => {
    props.room.version()
    return props.room.pub.labels()
  })
  const [name, setName] = createSignal('')
  const [color, setColor] = createSignal<string>(LABEL_COLORS[0])
  const fieldId = () => `label-name-${props.question.id}`

  const add = (event: Event) => {
    event.preventDefault()
    const label = createLabel(props.room, name(), color())
    if (typeof label === 'string') {
      props.onError(label)
      return
    }
    setName('')
    const error = props.question.labels.includes(label.id)
      ? null
      : toggleLabel(props.room, props.question, label.id)
    props.onError(error)
  }

  return (
    <div class="label-picker">
      <fieldset>
        <legend>Labels</legend>
        <Show when={labels().length > 0} fallback={<p class="st-empty">No labels yet.</p>}>
          <ul class="label-options">
            <For each={labels()}>
              {(label) => (
                <li>
                  <label>
                    <input
                      type="checkbox"
                      checked={props.question.labels.includes(label.id)}
                      onChange={() =>
                        props.onError(toggleLabel(props.room, props.question, label.id))
                      }
                    />
                    <span class="chip" style={{ 'background-color': label.color }}>
                      {label.name}
                    </span>
                  </label>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </fieldset>
      <form class="row new-label" onSubmit={add}>
        <label for={fieldId()}>New label</label>
        <input
          id={fieldId()}
          type="text"
          maxLength={Limits.labelLength}
          value={name()}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <label class="visually-hidden" for={`${fieldId()}-color`}>
          Colour
        </label>
        <select
          id={`${fieldId()}-color`}
          value={color()}
          onChange={(e) => setColor(e.currentTarget.value)}
        >
          <For each={LABEL_COLORS}>{(c) => <option value={c}>{COLOR_NAMES[c]}</option>}</For>
        </select>
        <button type="submit" class="btn">
          Add label
        </button>
      </form>
    </div>
  )
}
