import { Counter, Gauge, type Registry } from 'prom-client'

/** What the gauges read when scraped: the signaling endpoints' open sockets and rooms. */
export interface OpenSignaling {
  /** PeerJS sockets admitted and still open. */
  peerSockets(): number
  /** y-webrtc sockets of staff, admitted and still open. */
  ywebrtcSockets(): number
  /** y-webrtc topics with at least one subscriber. */
  ywebrtcRooms(): number
}

/**
 * The signal-server's metrics, in `registry`: the standalone server's own (with the
 * process defaults), or the sync-server's when it mounts signaling (`npm start`), so one
 * `/metrics` shows both. The gauges read `open` when scraped.
 */
export function createSignalMetrics(registry: Registry, open: OpenSignaling) {
  return {
    peerSockets: new Gauge({
      name: 'podium_signal_peer_sockets',
      help: 'Open PeerJS signaling sockets',
      registers: [registry],
      collect() {
        this.set(open.peerSockets())
      },
    }),
    ywebrtcSockets: new Gauge({
      name: 'podium_signal_ywebrtc_sockets',
      help: 'Open y-webrtc signaling sockets (staff)',
      registers: [registry],
      collect() {
        this.set(open.ywebrtcSockets())
      },
    }),
    ywebrtcRooms: new Gauge({
      name: 'podium_signal_ywebrtc_rooms',
      help: 'y-webrtc rooms (topics) with at least one subscriber',
      registers: [registry],
      collect() {
        this.set(open.ywebrtcRooms())
      },
    }),
    relayed: new Counter({
      name: 'podium_signal_relayed_total',
      help: 'Signaling messages relayed, by endpoint (peerjs, ywebrtc)',
      labelNames: ['endpoint'] as const,
      registers: [registry],
    }),
    refused: new Counter({
      name: 'podium_signal_refused_total',
      help: 'Sockets refused or closed by the signaling rules, by endpoint and reason',
      labelNames: ['endpoint', 'reason'] as const,
      registers: [registry],
    }),
    iceServers: new Counter({
      name: 'podium_signal_ice_servers_total',
      help: 'GET /api/ice-servers answers: turn (a TURN credential), stun-only (no TURN configured), not-live',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
  }
}
export type SignalMetrics = ReturnType<typeof createSignalMetrics>
