import { A } from '@solidjs/router'
import { createMemo } from 'solid-js'
import type { StaffRoom } from '../model/room.ts'
import { plural } from '../ui/format.ts'

/** A summary of the Q&A with the way into the moderator console. */
export function ModerationLink(props: { room: StaffRoom }) {
  const summary = createMemo(() => {
    props.room.version()
    const questions = props.room.pub.questions()
    return {
      waiting: props.room.mod.queue().filter((item) => item.decision === null).length,
      open: questions.filter((q) => q.status === 'published' && !q.answered).length,
      answered: questions.filter((q) => q.status === 'published' && q.answered).length,
    }
  })
  return (
    <section class="panel moderation-link" aria-labelledby="qa-heading">
      <h2 id="qa-heading">Q&amp;A</h2>
      <ul class="stats">
        <li>
          <strong>{summary().waiting}</strong> waiting for review
        </li>
        <li>
          <strong>{summary().open}</strong> open
        </li>
        <li>
          <strong>{summary().answered}</strong> answered
        </li>
      </ul>
      <A class="btn btn-primary" href={`/s/${encodeURIComponent(props.room.sessionId)}/moderate`}>
        Open the moderator console
      </A>
      <p class="st-hint">{plural(summary().waiting, 'item')} in the review queue.</p>
    </section>
  )
}
