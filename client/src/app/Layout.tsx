import type { RouteSectionProps } from '@solidjs/router'
import { Suspense } from 'solid-js'

/** Every page: a skip link, and a quiet placeholder while a page's code loads. */
export function Layout(props: RouteSectionProps) {
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <Suspense fallback={<p class="page-loading">Loading…</p>}>{props.children}</Suspense>
    </>
  )
}
