import { useParams } from '@solidjs/router'
import { Show } from 'solid-js'
import { AnalyticsDashboard } from '../../analytics/AnalyticsDashboard.tsx'
import { StaffGate } from '../shell/StaffGate.tsx'
import { StaffLayout } from '../shell/StaffLayout.tsx'

const ANALYTICS_ROLES = ['host', 'moderator'] as const

/** Route `/s/:sessionId/analytics`: the session's figures, for the host and moderators. */
export default function AnalyticsPage() {
  const params = useParams<{ sessionId: string }>()
  return (
    <Show when={params.sessionId} keyed>
      {(sessionId) => (
        <StaffGate sessionId={sessionId} roles={ANALYTICS_ROLES} peer={false}>
          {(ctx) => (
            <StaffLayout ctx={ctx} page="analytics">
              <AnalyticsDashboard
                sessionId={sessionId}
                token={() => ctx.conn.identity.token}
                canExport={ctx.identity.role === 'host'}
                questionText={(id) => {
                  ctx.conn.version()
                  return ctx.conn.public.question(id)?.text
                }}
              />
            </StaffLayout>
          )}
        </StaffGate>
      )}
    </Show>
  )
}
