import { useParams } from '@solidjs/router'
import { Show } from 'solid-js'
import { StaffGate } from '../shell/StaffGate.tsx'
import { StaffLayout } from '../shell/StaffLayout.tsx'
import { ModerationView } from './ModerationView.tsx'
import './moderate.css'

const MODERATOR_ROLES = ['host', 'moderator', 'presenter'] as const

/** Route `/s/:sessionId/moderate`. */
export default function ModeratorPage() {
  const params = useParams<{ sessionId: string }>()
  return (
    <Show when={params.sessionId} keyed>
      {(sessionId) => (
        <StaffGate sessionId={sessionId} roles={MODERATOR_ROLES} peer>
          {(ctx) => (
            <StaffLayout ctx={ctx} page="moderate">
              <Show when={ctx.room}>{(room) => <ModerationView room={room()} />}</Show>
            </StaffLayout>
          )}
        </StaffGate>
      )}
    </Show>
  )
}
