import { afterEach, describe, expect, it, vi } from 'vitest'

/** A system setting the test flips, as a browser does when the user switches to dark. */
function systemSetting(dark: boolean) {
  const listeners: Array<(event: { matches: boolean }) => void> = []
  const query = {
    matches: dark,
    addEventListener: (_: 'change', listener: (event: { matches: boolean }) => void) =>
      listeners.push(listener),
  }
  vi.stubGlobal('matchMedia', (text: string) => {
    expect(text).toBe('(prefers-color-scheme: dark)')
    return query
  })
  return (next: boolean) => {
    query.matches = next
    for (const listener of listeners) listener({ matches: next })
  }
}

/** scheme.ts reads the system setting when it loads: each test loads it afresh. */
async function load() {
  vi.resetModules()
  const [scheme, theme] = await Promise.all([
    import('../../src/styles/scheme.ts'),
    import('../../src/styles/theme.ts'),
  ])
  return { ...scheme, ...theme }
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('light and dark', () => {
  it('keeps the page root on the system setting as it changes', async () => {
    const flip = systemSetting(false)
    const { followSystemScheme } = await load()
    const root = document.createElement('html')
    followSystemScheme(root)
    expect(root.getAttribute('data-theme')).toBe('light')
    flip(true)
    expect(root.getAttribute('data-theme')).toBe('dark')
    flip(false)
    expect(root.getAttribute('data-theme')).toBe('light')
  })

  it('gives the staff screens the theme picked there, or the system setting', async () => {
    const flip = systemSetting(true)
    const { scheme, setTheme } = await load()
    expect(scheme()).toBe('dark')
    setTheme('light')
    expect(scheme()).toBe('light')
    flip(false)
    setTheme('dark')
    expect(scheme()).toBe('dark')
    setTheme('auto')
    expect(scheme()).toBe('light')
  })

  it('is light where the browser cannot tell', async () => {
    vi.stubGlobal('matchMedia', undefined)
    const { scheme } = await load()
    expect(scheme()).toBe('light')
  })
})
