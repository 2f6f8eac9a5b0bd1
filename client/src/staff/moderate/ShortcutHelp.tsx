import { For, onCleanup, onMount } from 'solid-js'
import { SHORTCUTS } from '../model/keyboard.ts'

/** The list of keyboard shortcuts, as a modal dialog that gives focus back when closed. */
export function ShortcutHelp(props: { onClose(): void }) {
  let close: HTMLButtonElement | undefined
  const previous = document.activeElement as HTMLElement | null
  onMount(() => close?.focus())
  onCleanup(() => previous?.focus?.())
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' || event.key === '?') {
      event.preventDefault()
      props.onClose()
    }
    // Keep focus inside: the close button is the only control.
    if (event.key === 'Tab') {
      event.preventDefault()
      close?.focus()
    }
  }
  return (
    <div class="overlay">
      <div
        class="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-heading"
        onKeyDown={onKeyDown}
      >
        <h2 id="shortcuts-heading">Keyboard shortcuts</h2>
        <dl class="shortcuts">
          <For each={SHORTCUTS}>
            {(s) => (
              <>
                <dt>
                  <kbd>{s.key}</kbd>
                </dt>
                <dd>{s.label}</dd>
              </>
            )}
          </For>
        </dl>
        <p>Shortcuts are off while you type in a text field.</p>
        <button ref={close} type="button" class="btn btn-primary" onClick={() => props.onClose()}>
          Close
        </button>
      </div>
    </div>
  )
}
