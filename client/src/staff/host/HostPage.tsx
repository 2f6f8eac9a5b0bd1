import { useParams } from '@solidjs/router'
import { Show } from 'solid-js'
import { StaffGate } from '../shell/StaffGate.tsx'
import { StaffLayout } from '../shell/StaffLayout.tsx'
import { HostView } from './HostView.tsx'
import './host.css'

const HOST_ROLES = ['host', 'presenter'] as const

/** Route `/s/:sessionId/host` (the host, and presenters for the agenda and timer). */
export default function HostPage() {
  const params = useParams<{ sessionId: string }>()
  return (
    <Show when={params.sessionId} keyed>
      {(sessionId) => (
        <StaffGate sessionId={sessionId} roles={HOST_ROLES} peer>
          {(ctx) => (
            <StaffLayout ctx={ctx} page="host">
              <Show when={ctx.room}>{(room) => <HostView room={room()} />}</Show>
            </StaffLayout>
          )}
        </StaffGate>
      )}
    </Show>
  )
}
