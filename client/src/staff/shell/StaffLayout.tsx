import { createMemo, createSignal, type JSX, Show } from 'solid-js'
import { ConnectionBadge } from '../../components/ConnectionBadge.tsx'
import { scheme } from '../../styles/scheme.ts'
import { peerText } from './peer-text.ts'
import type { StaffContext } from './StaffGate.tsx'
import { StaffHeader, type StaffPage } from './StaffHeader.tsx'
import { nameAsked, YourName } from './YourName.tsx'
import './staff.css'

/** The frame of a staff console: skip link, header with connection state, main content. */
export function StaffLayout(props: { ctx: StaffContext; page: StaffPage; children: JSX.Element }) {
  const pub = () => props.ctx.conn.public
  const meta = createMemo(() => {
    props.ctx.conn.version()
    props.ctx.conn.presence()
    return { ...pub().meta(), participants: pub().participants() }
  })
  const identity = props.ctx.identity
  // Asked once, when they have no name yet; the header's button opens it again.
  const [naming, setNaming] = createSignal(identity.name === null && !nameAsked(identity.sessionId))
  return (
    <div class="staff" data-theme={scheme()}>
      <StaffHeader
        sessionId={props.ctx.identity.sessionId}
        title={meta().title}
        status={meta().status}
        participants={meta().participants}
        role={props.ctx.identity.role}
        name={identity.name}
        naming={naming()}
        onName={() => setNaming(!naming())}
        page={props.page}
        connection={
          <ConnectionBadge
            status={props.ctx.conn.status()}
            unsynced={props.ctx.unsynced()}
            peer={peerText(props.ctx.peer)}
          />
        }
      />
      <main id="main" class="staff-main" tabindex="-1">
        <Show when={naming()}>
          <YourName ctx={props.ctx} onClose={() => setNaming(false)} />
        </Show>
        {props.children}
      </main>
    </div>
  )
}
