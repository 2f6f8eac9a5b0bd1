import { useParams } from '@solidjs/router'
import { Show } from 'solid-js'
import { StaffGate } from '../StaffGate.tsx'
import { StaffLayout } from '../StaffLayout.tsx'
import { HostView } from './HostView.tsx'
import './host.css'

/** Route `/s/:sessionId/host`. */
export default function HostPage() {
  const params = useParams<{ sessionId: string }>()
  return (
    <Show when={params.sessionId} keyed>
      {(sessionId) => (
        <StaffGate sessionId={sessionId} roles={['host']} peer>
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
