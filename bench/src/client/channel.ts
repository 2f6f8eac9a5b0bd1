import * as Y from 'yjs'
import type { Framer, Incoming } from '../wire/frames.ts'
import { SyncType } from '../wire/frames.ts'

export const ChannelState = {
  connecting: 'connecting',
  authenticated: 'authenticated',
  synced: 'synced',
  denied: 'denied',
  closed: 'closed',
} as const
export type ChannelState = (typeof ChannelState)[keyof typeof ChannelState]

export interface ChannelSpec {
  /** Document name (`session/<id>`, `session/<id>/user/<userId>`, or any name on a baseline). */
  name: string
  /** Hocuspocus only: the token sent in the Auth frame. */
  token?: string
  /** Keep a Y.Doc for this document: received updates are applied, local changes are sent. */
  doc?: Y.Doc
  /** With a doc: apply what arrives (default). false: the doc only holds this client's writes. */
  apply?: boolean
  /** Renew an awareness state every `awarenessEveryMs` (what a provider with awareness does). */
  awareness?: boolean
}

export interface ChannelHooks {
  /** A sync payload arrived (step 2 or update), before it is applied. */
  onSync?(channel: Channel, syncType: number, payload: Uint8Array, frame: Buffer): void
  onSynced?(channel: Channel): void
  onDenied?(channel: Channel, reason: string): void
}

/**
 * One document on a simulated client's socket. Without a doc it only follows the
 * protocol (answers the server's sync step 1 with an empty step 2, counts frames);
 * with a doc it behaves like a provider (applies what arrives, sends what changes).
 */
export class Channel {
  state: ChannelState = ChannelState.connecting
  syncedAt = 0
  deniedReason: string | null = null
  /** Writes the server acknowledged (SyncStatus applied) and refused (read-only). */
  acks = 0
  nacks = 0
  private awarenessClock = 0
  private readonly clientId: number
  private detach: (() => void) | null = null

  constructor(
    readonly spec: ChannelSpec,
    readonly framer: Framer,
    private readonly send: (frame: Uint8Array) => void,
    private readonly hooks: ChannelHooks,
  ) {
    this.clientId = spec.doc?.clientID ?? Math.floor(Math.random() * 2 ** 31)
    const doc = spec.doc
    if (doc) {
      const onUpdate = (update: Uint8Array, origin: unknown) => {
        if (origin !== this && this.state !== ChannelState.closed) this.send(framer.update(update))
      }
      doc.on('update', onUpdate)
      this.detach = () => doc.off('update', onUpdate)
    }
  }

  /** The frames a provider sends when the socket opens (after its Auth frame, if any). */
  open(): void {
    this.send(this.framer.syncStep1(this.spec.doc))
    if (this.spec.awareness) this.renewAwareness()
  }

  /** Sends a frame built for this document (a stateless message, say). */
  sendFrame(frame: Uint8Array): void {
    if (this.state !== ChannelState.closed) this.send(frame)
  }

  renewAwareness(): void {
    this.awarenessClock++
    this.send(this.framer.awareness(this.clientId, this.awarenessClock, {}))
  }

  receive(message: Incoming, frame: Buffer): void {
    switch (message.kind) {
      case 'sync':
        this.receiveSync(message.syncType, message.payload, frame)
        return
      case 'authenticated':
        if (this.state === ChannelState.connecting) this.state = ChannelState.authenticated
        return
      case 'denied':
        this.state = ChannelState.denied
        this.deniedReason = message.reason
        this.hooks.onDenied?.(this, message.reason)
        return
      case 'status':
        if (message.applied) this.acks++
        else this.nacks++
        return
      case 'close':
        this.state = ChannelState.closed
        return
      case 'other':
        return
      default:
        message satisfies never
    }
  }

  private receiveSync(syncType: number, payload: Uint8Array, frame: Buffer): void {
    if (syncType === SyncType.step1) {
      // The server's state vector: answer with what it is missing, as a provider does.
      const doc = this.spec.doc
      this.send(this.framer.syncStep2(doc, doc && this.spec.apply !== false ? payload : undefined))
      return
    }
    this.hooks.onSync?.(this, syncType, payload, frame)
    if (this.spec.doc && this.spec.apply !== false) Y.applyUpdate(this.spec.doc, payload, this)
    if (syncType === SyncType.step2 && this.state !== ChannelState.synced) {
      this.state = ChannelState.synced
      this.syncedAt = performance.now()
      this.hooks.onSynced?.(this)
    }
  }

  close(): void {
    this.state = ChannelState.closed
    this.detach?.()
    this.detach = null
  }
}
