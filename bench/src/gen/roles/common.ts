import { monitorEventLoopDelay } from 'node:perf_hooks'
import type * as Y from 'yjs'
import type { ChannelHooks, ChannelSpec } from '../../client/channel.ts'
import { LightClient } from '../../client/socket.ts'
import type { AttendeePlan, Endpoint, Viewer } from '../messages.ts'

export interface AttendeeDocs {
  /** A Y.Doc for the public document (applied), or none: the channel only times frames. */
  publicDoc?: Y.Doc
  /** A Y.Doc for the attendee's own document (Podium: its outbox). */
  ownDoc?: Y.Doc
  /** With ownDoc on a relay vote: the public doc only carries this client's writes. */
  publicWriteOnly?: Y.Doc
}

/**
 * An attendee as the Podium client opens it (client/src/lib/session.ts): the public
 * document without awareness and its own document with awareness, on one socket.
 * The same client on a bare relay opens the same names; y-websocket, which needs a
 * socket per document, opens the public document only.
 */
export function attendee(
  endpoint: Endpoint,
  plan: AttendeePlan,
  docs: AttendeeDocs,
  hooks: ChannelHooks,
  onClose?: (code: number, reason: string) => void,
): LightClient {
  const channels: ChannelSpec[] = [
    {
      name: plan.publicDoc,
      token: plan.token,
      ...(docs.publicDoc ? { doc: docs.publicDoc } : {}),
      ...(docs.publicWriteOnly ? { doc: docs.publicWriteOnly, apply: false } : {}),
    },
  ]
  if (plan.ownDoc) {
    channels.push({
      name: plan.ownDoc,
      token: plan.token,
      awareness: true,
      ...(docs.ownDoc ? { doc: docs.ownDoc } : {}),
    })
  }
  return new LightClient({
    wire: endpoint.wire,
    url: endpoint.url,
    channels,
    hooks,
    ...(onClose ? { onClose } : {}),
  })
}

/**
 * A staff screen or the projector as the Podium client opens it: the public document, the
 * moderators' document when given one (into `modDoc`), and its own outbox with awareness.
 * The outbox's awareness renewal is the only thing such a screen sends while it watches:
 * without it the server closes the socket once it has been silent for a minute.
 */
export function viewer(
  endpoint: Endpoint,
  who: Viewer,
  docs: { publicDoc: Y.Doc; modDoc?: Y.Doc },
  onClose?: (code: number, reason: string) => void,
  renewMs?: number,
): LightClient {
  const channels: ChannelSpec[] = [{ name: who.publicDoc, token: who.token, doc: docs.publicDoc }]
  if (who.modDoc && docs.modDoc)
    channels.push({ name: who.modDoc, token: who.token, doc: docs.modDoc })
  if (who.ownDoc) channels.push({ name: who.ownDoc, token: who.token, awareness: true })
  return new LightClient({
    wire: endpoint.wire,
    url: endpoint.url,
    channels,
    ...(onClose ? { onClose } : {}),
    ...(renewMs ? { renewMs } : {}),
  })
}

/** This generator's own event-loop delay: if it is high, latencies include the generator's. */
export function lagMonitor() {
  const histogram = monitorEventLoopDelay({ resolution: 10 })
  histogram.enable()
  return {
    reset: () => histogram.reset(),
    /** p99 and max event-loop delay in ms since the last reset. */
    read: () => ({
      p99: histogram.percentile(99) / 1e6,
      max: histogram.max / 1e6,
    }),
  }
}

export type Lag = ReturnType<ReturnType<typeof lagMonitor>['read']>

/** Counts why connections failed, by a short reason. */
export class Failures {
  readonly counts: Record<string, number> = {}
  add(reason: string): void {
    this.counts[reason] = (this.counts[reason] ?? 0) + 1
  }
  get total(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0)
  }
}
