import { Show } from 'solid-js'
import { PollsPanel } from '../../polls/PollsPanel.tsx'
import { Stage } from '../../video/ui/Stage.tsx'
import type { StaffRoom } from '../model/room.ts'
import { AgendaEditor } from './AgendaEditor.tsx'
import { AlertsPanel } from './AlertsPanel.tsx'
import { ExportPanel } from './ExportPanel.tsx'
import { HistoryPanel } from './HistoryPanel.tsx'
import { HostLinkPanel } from './HostLinkPanel.tsx'
import { InvitesPanel } from './InvitesPanel.tsx'
import { JoinPanel } from './JoinPanel.tsx'
import { ModerationLink } from './ModerationLink.tsx'
import { NotificationLogPanel } from './NotificationLogPanel.tsx'
import { RecordingPanel } from './RecordingPanel.tsx'
import { SchedulePanel } from './SchedulePanel.tsx'
import { SettingsPanel } from './SettingsPanel.tsx'
import { StatusPanel } from './StatusPanel.tsx'
import { TicketPanel } from './TicketPanel.tsx'
import { TimerPanel } from './TimerPanel.tsx'

/**
 * The host console: run the session, its agenda and timer, staff, and its data.
 * Presenters get the same console for the stage, agenda and timer; what only the host
 * may do (settings, going live, the start time, invites, what was sent, exports, restores) is left out for them.
 */
export function HostView(props: { room: StaffRoom }) {
  const isHost = () => props.room.actor.role === 'host'
  return (
    <>
      <Show when={isHost()}>
        <AlertsPanel room={props.room} />
      </Show>
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
          <Show when={isHost()}>
            <RecordingPanel room={props.room} />
            <StatusPanel room={props.room} />
            <SchedulePanel room={props.room} />
          </Show>
          <JoinPanel room={props.room} />
          <ModerationLink room={props.room} />
          <Show when={isHost()}>
            <SettingsPanel room={props.room} />
          </Show>
        </div>
        <div class="host-col">
          <TimerPanel room={props.room} />
          <AgendaEditor room={props.room} />
          <PollsPanel room={props.room} />
        </div>
        <Show when={isHost()}>
          <div class="host-col">
            <TicketPanel room={props.room} />
            <InvitesPanel room={props.room} />
            <HostLinkPanel room={props.room} />
            <NotificationLogPanel room={props.room} />
            <ExportPanel room={props.room} />
            <HistoryPanel room={props.room} />
          </div>
        </Show>
      </div>
    </>
  )
}
