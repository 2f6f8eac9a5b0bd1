import type { Hocuspocus } from '@hocuspocus/server'
import { parseDocumentName } from '@podium/shared'
import { Gauge, type Registry } from 'prom-client'

/**
 * How many sessions get a series of their own: the busiest, by clients on their public
 * document. The rest are summed under `session="other"`, so a thousand small sessions
 * cost one series, not a thousand.
 */
export const TOP_SESSIONS = 10

/** Clients per session on this instance, for the busiest sessions (bounded cardinality). */
export function sessionClientsGauge(registry: Registry, hocuspocus: () => Hocuspocus | undefined) {
  return new Gauge({
    name: 'podium_session_clients',
    help: `Clients connected to a session's public document on this instance: the ${TOP_SESSIONS} busiest by id, the rest as "other"`,
    labelNames: ['session'] as const,
    registers: [registry],
    collect() {
      this.reset()
      const counts: Array<[string, number]> = []
      for (const [name, document] of hocuspocus()?.documents ?? []) {
        const parsed = parseDocumentName(name)
        if (parsed?.kind !== 'public') continue
        counts.push([parsed.sessionId, document.getConnectionsCount()])
      }
      counts.sort((a, b) => b[1] - a[1])
      let other = 0
      counts.forEach(([session, clients], index) => {
        if (index < TOP_SESSIONS) this.labels(session).set(clients)
        else other += clients
      })
      this.labels('other').set(other)
    },
  })
}
