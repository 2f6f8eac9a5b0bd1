import {
  COMPONENT_NAMES,
  COMPONENTS,
  type ComponentCheck,
  overall,
  type State,
} from './components.ts'
import type { Incident, StatusStore, UptimeWindow } from './store.ts'

/** What `/status.json` answers and `/status` shows. */
export interface StatusReport {
  status: State
  checkedAt: number
  components: Array<{
    id: string
    name: string
    state: State
    detail: string
    uptime: Record<UptimeWindow, number | null>
  }>
  incidents: Incident[]
}

/** The latest checks with the stored uptime and incident notes; the store may be down. */
export async function buildReport(
  latest: { at: number; checks: ComponentCheck[] },
  store: StatusStore,
  now: number,
): Promise<StatusReport> {
  const [uptime, incidents] = await Promise.all([
    store.uptime(now).catch(() => ({}) as Awaited<ReturnType<StatusStore['uptime']>>),
    store.incidents(now).catch(() => [] as Incident[]),
  ])
  const byId = new Map(latest.checks.map((c) => [c.component, c]))
  return {
    status: overall(latest.checks),
    checkedAt: latest.at,
    components: COMPONENTS.flatMap((id) => {
      const check = byId.get(id)
      if (!check) return []
      return [
        {
          id,
          name: COMPONENT_NAMES[id],
          state: check.state,
          detail: check.detail,
          uptime: uptime[id] ?? { '24h': null, '7d': null, '30d': null },
        },
      ]
    }),
    incidents,
  }
}
