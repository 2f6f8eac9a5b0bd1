import { createRenderEffect, createRoot, createSignal } from 'solid-js'
import { Theme, theme } from './theme.ts'

/** The two palettes of theme.css, chosen by an element's `data-theme`. */
export type Scheme = Exclude<Theme, 'auto'>

const darkQuery =
  typeof window !== 'undefined' && typeof window.matchMedia === 'function'
    ? window.matchMedia('(prefers-color-scheme: dark)')
    : null
const [systemScheme, setSystemScheme] = createSignal<Scheme>(
  darkQuery?.matches ? Theme.dark : Theme.light,
)
darkQuery?.addEventListener('change', (event) =>
  setSystemScheme(event.matches ? Theme.dark : Theme.light),
)

/** The system's light or dark setting, kept current. */
export { systemScheme }

/** The palette the staff screens show: the theme picked there, or the system's. */
export function scheme(): Scheme {
  const current = theme()
  return current === Theme.auto ? systemScheme() : current
}

/** Keeps the page root's `data-theme` on the system's setting: every screen but the staff ones. */
export function followSystemScheme(root: HTMLElement): void {
  createRoot(() => createRenderEffect(() => root.setAttribute('data-theme', systemScheme())))
}
