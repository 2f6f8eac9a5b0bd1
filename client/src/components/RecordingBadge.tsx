import { RecordingDoc } from '@podium/shared'
import { createMemo, Show } from 'solid-js'
import type * as Y from 'yjs'
import './recording-badge.css'

/**
 * "Recording" while the host records the stage, on every room screen and the projector:
 * people are told before they speak or show their face. The flag is the server's, in
 * the public document (`recording`); `version` is the documents' change signal.
 */
export function RecordingBadge(props: { doc: Y.Doc; version: () => number; class?: string }) {
  const on = createMemo(() => {
    props.version()
    return new RecordingDoc(props.doc).flag().on
  })
  return (
    <Show when={on()}>
      <span
        class={`recording-badge ${props.class ?? ''}`}
        role="status"
        data-testid="recording-badge"
        title="The host is recording the stage"
      >
        <span class="recording-dot" aria-hidden="true" />
        Recording
      </span>
    </Show>
  )
}
