import type { SessionStatus } from '@podium/shared'
import { Show } from 'solid-js'
import { ConnectionBadge } from '../components/ConnectionBadge.tsx'
import { RecordingBadge } from '../components/RecordingBadge.tsx'
import { derive, useRoom } from './context.ts'

export function sessionStatusText(status: SessionStatus): string {
  switch (status) {
    case 'draft':
      return 'Not started yet'
    case 'live':
      return 'Live'
    case 'ended':
      return 'Ended'
    default: {
      const unknown: never = status
      throw new Error(`unknown session status ${String(unknown)}`)
    }
  }
}

/** `fallbackTitle`: shown until the session's document has its own (from the room preview). */
export function RoomHeader(props: { fallbackTitle?: string | undefined }) {
  const room = useRoom()
  const meta = derive(room, () => room.public.meta())
  const participants = derive(room, () => {
    room.presence()
    return room.public.participants()
  })
  const ready = derive(room, () => room.public.ready)

  return (
    <header class="room-header">
      <div class="room-title">
        <h1 dir="auto">{meta().title || props.fallbackTitle || 'Session'}</h1>
        <p class="room-meta">
          <Show when={ready()}>
            <span class={`pill pill-${meta().status}`}>{sessionStatusText(meta().status)}</span>
            <span class="participants">
              {participants() === 1 ? '1 person here' : `${participants()} people here`}
            </span>
            <RecordingBadge doc={room.public.doc} version={room.version} />
          </Show>
        </p>
      </div>
      <ConnectionBadge status={room.status()} unsynced={room.unsynced()} />
    </header>
  )
}
