import { A } from '@solidjs/router'
import { paths } from '../app/paths.ts'

export default function NotFoundPage() {
  return (
    <main id="main" class="page page-narrow">
      <section class="card">
        <h1>This page does not exist</h1>
        <p>Check the link, or join a session with its code.</p>
        <p>
          <A class="button" href={paths.landing()}>
            Go to the start page
          </A>
        </p>
      </section>
    </main>
  )
}
