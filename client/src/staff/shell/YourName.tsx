import { Limits, type Role } from '@podium/shared'
import { createSignal, Show } from 'solid-js'
import type { StaffContext } from './StaffGate.tsx'

const askedKey = (sessionId: string) => `podium:name-asked:${sessionId}`

/** Whether this device has asked for a name in this session already (asked once, not nagged). */
export function nameAsked(sessionId: string): boolean {
  try {
    return localStorage.getItem(askedKey(sessionId)) !== null
  } catch {
    return false
  }
}

function markAsked(sessionId: string): void {
  try {
    localStorage.setItem(askedKey(sessionId), '1')
  } catch {
    // Storage refused: the question may come again on the next visit.
  }
}

const UNNAMED: Record<Role, string> = {
  host: 'The host',
  moderator: 'A moderator',
  presenter: 'A presenter',
  attendee: 'Anonymous',
}

/**
 * The name staff are shown under: asked for once when they have none (the host is never
 * asked at creation), changeable at any time from the header.
 */
export function YourName(props: {
  ctx: Pick<StaffContext, 'identity' | 'rename'>
  onClose(): void
}) {
  const identity = props.ctx.identity
  const first = identity.name === null
  const [name, setName] = createSignal(identity.name ?? '')
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal<string | null>(null)

  const close = () => {
    markAsked(identity.sessionId)
    props.onClose()
  }
  const save = async (event: SubmitEvent) => {
    event.preventDefault()
    const trimmed = name().trim()
    if (!trimmed) {
      setError('Enter a name, or choose “Not now”.')
      return
    }
    if (trimmed === identity.name) {
      close()
      return
    }
    setBusy(true)
    setError(null)
    markAsked(identity.sessionId)
    // On success the console opens again under the new name (this form goes with it).
    const failed = await props.ctx.rename(trimmed)
    setBusy(false)
    if (failed) setError(failed)
  }

  return (
    <section class="panel your-name" aria-labelledby="your-name-heading">
      <h2 id="your-name-heading">{first ? 'What should people call you?' : 'Change your name'}</h2>
      <p class="st-hint">
        Attendees see your name on your replies, and the other staff in the history of what was
        done.
        <Show when={first}> Until you give one, you appear as “{UNNAMED[identity.role]}”.</Show>
      </p>
      <form class="row" onSubmit={save}>
        <label class="st-field">
          <span>Your name</span>
          <input
            dir="auto"
            name="name"
            value={name()}
            maxLength={Limits.nameLength}
            autocomplete="name"
            onInput={(e) => setName(e.currentTarget.value)}
            aria-describedby={error() ? 'your-name-error' : undefined}
          />
        </label>
        <button type="submit" class="btn btn-primary" disabled={busy()} aria-busy={busy()}>
          {busy() ? 'Saving…' : 'Save name'}
        </button>
        <button type="button" class="btn" onClick={close}>
          {first ? 'Not now' : 'Cancel'}
        </button>
      </form>
      <Show when={error()}>
        <p id="your-name-error" class="error" role="alert">
          {error()}
        </p>
      </Show>
    </section>
  )
}
