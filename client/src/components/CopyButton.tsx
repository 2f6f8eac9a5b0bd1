import { createSignal, onCleanup } from 'solid-js'

/** Copies `text` to the clipboard and says so; says what to do when the browser refuses. */
export function CopyButton(props: { text: string; label: string; class?: string }) {
  const [state, setState] = createSignal<'idle' | 'copied' | 'failed'>('idle')
  let timer: ReturnType<typeof setTimeout> | undefined
  onCleanup(() => clearTimeout(timer))

  async function copy() {
    try {
      await navigator.clipboard.writeText(props.text)
      setState('copied')
    } catch {
      setState('failed')
    }
    clearTimeout(timer)
    timer = setTimeout(() => setState('idle'), 2500)
  }

  return (
    <span class="copy">
      <button type="button" class={props.class ?? 'btn'} onClick={copy}>
        {props.label}
      </button>
      <span class="copy-status" role="status">
        {state() === 'copied'
          ? 'Copied'
          : state() === 'failed'
            ? 'Select the text and copy it'
            : ''}
      </span>
    </span>
  )
}
