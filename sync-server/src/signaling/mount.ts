import { createSignaling, type Signaling } from '@podium/signal-server'
import type { PodiumOptions } from '../app.ts'
import type { Services } from '../services.ts'
import { sessionStatus } from './session-status.ts'

/**
 * Mounts signal-server's endpoints on the sync-server's port (`npm start`): PeerJS on
 * /peerjs, y-webrtc on /signal, GET /api/ice-servers and GET /api/sessions/:id/webrtc-room,
 * with the sync-server's token secret and TURN settings; TURN credentials only while the
 * session is live. Tokens of sessions that no longer exist, and staff tokens whose role
 * the host withdrew, are refused; a withdrawal (here or, through Redis, on another
 * instance) closes that user's /signal and PeerJS sockets. The webrtc-room route points
 * browsers at SIGNALING_URL when set (signal-server running as its own service). Its
 * metrics (`podium_signal_*`) are on the sync-server's /metrics.
 */
export function signalingOptions(): Pick<PodiumOptions, 'routes' | 'upgrades'> {
  let signaling: Signaling | undefined
  const get = (services: Services): Signaling => {
    if (signaling) return signaling
    const created = createSignaling({
      secret: services.config.tokenSecret,
      turn: services.config.turn,
      log: services.log,
      // y-webrtc's signaling URL: SIGNALING_URL when signal-server is reached elsewhere,
      // else the origin the browser asked on (the page's CSP lets it connect only there).
      publicUrl: (request) => services.config.signalingUrl ?? services.publicUrl(request),
      standing: (claims) =>
        services.standing.of({ sessionId: claims.sid, userId: claims.sub, role: claims.role }),
      staff: (sessionId) => services.standing.staff(sessionId),
      status: (sessionId) => sessionStatus(services, sessionId),
      // The host's plan decides whether the session has a video stage (docs/payments.md).
      stage: (sessionId) => services.billing.stageRefusal(sessionId),
      // Signaling's gauges and counters on the sync-server's /metrics.
      registry: services.metrics.registry,
      janus: services.config.janus,
      sfuMaxViewers: services.config.sfuMaxViewers,
      broadcast: services.config.broadcast,
    })
    services.withdrawals.onWithdrawn((userId) => created.withdraw(userId))
    signaling = created
    return created
  }
  return {
    routes: async (app, services) => {
      const mounted = get(services)
      await app.register(mounted.routes, { prefix: '/api' })
      await mounted.peerRoutes(app)
    },
    upgrades: (services) => get(services).upgrades,
  }
}
