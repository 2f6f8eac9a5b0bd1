import { createUniqueId, Show } from 'solid-js'

export interface CountedTextareaProps {
  label: string
  value: string
  onInput: (value: string) => void
  max: number
  rows?: number
  placeholder?: string
  disabled?: boolean
  name?: string
  /** Extra ids for aria-describedby (a hint, an error). */
  describedBy?: string
}

/** Length as the server's limits count it (UTF-16 units: most emoji count as two). */
export function textLength(text: string): number {
  return text.length
}

/** A labelled text area with a character counter that turns into a warning past the limit. */
export function CountedTextarea(props: CountedTextareaProps) {
  const id = createUniqueId()
  const counterId = `${id}-count`
  const length = () => textLength(props.value)
  const over = () => length() - props.max
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <textarea
        dir="auto"
        id={id}
        name={props.name}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        rows={props.rows ?? 3}
        placeholder={props.placeholder}
        disabled={props.disabled}
        aria-invalid={over() > 0 ? 'true' : undefined}
        aria-describedby={[counterId, props.describedBy].filter(Boolean).join(' ')}
      />
      <p id={counterId} class="counter" classList={{ 'counter-over': over() > 0 }}>
        <Show when={over() > 0} fallback={`${length()} / ${props.max}`}>
          {`${over()} ${over() === 1 ? 'character' : 'characters'} too many (${length()} / ${props.max})`}
        </Show>
      </p>
    </div>
  )
}
