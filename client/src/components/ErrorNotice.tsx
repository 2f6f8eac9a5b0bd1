import { Show } from 'solid-js'

/** An error in plain words, announced to screen readers when it appears. */
export function ErrorNotice(props: { message: string | null | undefined; id?: string }) {
  return (
    <Show when={props.message}>
      {(message) => (
        <p class="notice notice-error" role="alert" id={props.id}>
          {message()}
        </p>
      )}
    </Show>
  )
}
