import { ROLES } from '@podium/shared'
import { useParams } from '@solidjs/router'
import { Show } from 'solid-js'
import { scheme } from '../../styles/scheme.ts'
import { StaffGate } from '../shell/StaffGate.tsx'
import { ProjectorView } from './ProjectorView.tsx'
import './present.css'

/** Route `/s/:sessionId/present`: anyone in the session may put it on a screen. */
export default function PresentPage() {
  const params = useParams<{ sessionId: string }>()
  return (
    <Show when={params.sessionId} keyed>
      {(sessionId) => (
        <StaffGate sessionId={sessionId} roles={ROLES} peer={false} view="projector">
          {(ctx) => (
            <div class="staff projector-root" data-theme={scheme()}>
              <ProjectorView
                source={{
                  pub: ctx.conn.public,
                  mod: ctx.conn.mod,
                  version: ctx.conn.version,
                  presence: ctx.conn.presence,
                  serverNow: () => ctx.conn.serverNow(),
                }}
                stage={{ identity: ctx.identity, public: ctx.conn.public }}
              />
            </div>
          )}
        </StaffGate>
      )}
    </Show>
  )
}
