import { createSignal } from 'solid-js'

/** The staff screens follow the system theme unless someone picks one. */
export const Theme = { auto: 'auto', light: 'light', dark: 'dark' } as const
export type Theme = (typeof Theme)[keyof typeof Theme]

const KEY = 'podium:staff-theme'

function stored(): Theme {
  try {
    const value = localStorage.getItem(KEY)
    return value === 'light' || value === 'dark' ? value : Theme.auto
  } catch {
    return Theme.auto
  }
}

const [theme, setThemeSignal] = createSignal<Theme>(stored())

export { theme }

export function setTheme(next: Theme): void {
  setThemeSignal(next)
  try {
    if (next === Theme.auto) localStorage.removeItem(KEY)
    else localStorage.setItem(KEY, next)
  } catch {
    // Storage may be unavailable (private mode); the choice lasts for this page.
  }
}

export function nextTheme(current: Theme): Theme {
  switch (current) {
    case Theme.auto:
      return Theme.dark
    case Theme.dark:
      return Theme.light
    case Theme.light:
      return Theme.auto
    default: {
      const unknown: never = current
      throw new Error(`unknown theme ${String(unknown)}`)
    }
  }
}
