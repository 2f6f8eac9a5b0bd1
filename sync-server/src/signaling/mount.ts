import { createSignaling, type Signaling } from '@podium/signal-server'
import { recordingRoutes } from '../api/recordings.ts'
import type { PodiumOptions } from '../app.ts'
import { Recordings } from '../recordings/domain.ts'
import { stopRecordingWhenEnded } from '../recordings/ended.ts'
import { remoteRecorder } from '../recordings/remote.ts'
import { RecordingRetention } from '../recordings/retention.ts'
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
      // Stage recordings go where the Janus rooms are: this process's SFU proxy, or a
      // standalone signal-server's when that one serves /sfu (SFU_RECORDER_URL).
      const { remote } = services.config.recordings
      const recorder = remote
        ? remoteRecorder(remote, services.config.tokenSecret)
        : mounted.recorder
      const recordings = new Recordings({ services, recorder, holdsRooms: !remote })
      const retention = new RecordingRetention(
        recordings,
        services.config.recordings.retentionDays,
        services.log.child({ component: 'recordings' }),
      )
      await app.register(recordingRoutes(services, recordings), { prefix: '/api' })
      stopRecordingWhenEnded(services.events, recordings, services.log)
      app.addHook('onReady', async () => {
        await recordings.resume()
        retention.start()
      })
      app.addHook('onClose', async () => {
        await retention.stop()
        await recordings.close()
      })
    },
    upgrades: (services) => get(services).upgrades,
  }
}
