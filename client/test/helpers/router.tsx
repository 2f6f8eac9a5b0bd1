import { createMemoryHistory, MemoryRouter, Route, useLocation } from '@solidjs/router'
import { render } from '@solidjs/testing-library'
import type { JSX } from 'solid-js'

/**
 * Renders `page` at `url` in a router of its own; any other path shows "At <path>", so a
 * test sees where the page navigated to.
 */
export function renderAt(url: string, path: string, page: () => JSX.Element) {
  const history = createMemoryHistory()
  history.set({ value: url })
  const Elsewhere = () => {
    const location = useLocation()
    return (
      <p data-testid="elsewhere">
        At {location.pathname}
        {location.search}
      </p>
    )
  }
  return render(() => (
    <MemoryRouter history={history}>
      <Route path={path} component={page} />
      <Route path="*" component={Elsewhere} />
    </MemoryRouter>
  ))
}
