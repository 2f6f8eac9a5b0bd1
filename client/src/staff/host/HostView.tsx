import { Stage } from '../../video/Stage.tsx'
import type { StaffRoom } from '../room.ts'
import { AgendaEditor } from './AgendaEditor.tsx'
import { ExportPanel } from './ExportPanel.tsx'
import { HistoryPanel } from './HistoryPanel.tsx'
import { InvitesPanel } from './InvitesPanel.tsx'
import { JoinPanel } from './JoinPanel.tsx'
import { ModerationLink } from './ModerationLink.tsx'
import { SettingsPanel } from './SettingsPanel.tsx'
import { StatusPanel } from './StatusPanel.tsx'
import { TimerPanel } from './TimerPanel.tsx'

/** The host console: run the session, its agenda and timer, staff, and its data. */
export function HostView(props: { room: StaffRoom }) {
  return (
    <div class="host-grid">
      <div class="host-col">
        <Stage
          look="staff"
          connection={{
            identity: {
              sessionId: props.room.sessionId,
              userId: props.room.actor.userId,
              token: props.room.token,
              role: props.room.actor.role,
              name: props.room.actor.name,
            },
            public: props.room.pub,
          }}
        />
        <StatusPanel room={props.room} />
        <JoinPanel room={props.room} />
        <ModerationLink room={props.room} />
        <SettingsPanel room={props.room} />
      </div>
      <div class="host-col">
        <TimerPanel room={props.room} />
        <AgendaEditor room={props.room} />
      </div>
      <div class="host-col">
        <InvitesPanel room={props.room} />
        <ExportPanel room={props.room} />
        <HistoryPanel room={props.room} />
      </div>
    </div>
  )
}
