import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import WebSocket from 'ws'
import { Awareness, applyAwarenessUpdate } from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { waitFor } from './clients.ts'

/**
 * The Hocuspocus wire protocol, written by hand so tests can send what no provider would.
 * Every frame is `varString(documentName) varUint(type) payload`.
 */
export const MessageType = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  stateless: 5,
  broadcastStateless: 6,
  close: 7,
  syncStatus: 8,
} as const

const AuthType = { token: 0, permissionDenied: 1, authenticated: 2 } as const

function build(document: string, type: number, body: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarString(e, document)
  encoding.writeVarUint(e, type)
  body(e)
  return encoding.toUint8Array(e)
}

/** Frame builders, one per message a client can send. */
export const frame = {
  auth: (document: string, token: string) =>
    build(document, MessageType.auth, (e) => {
      encoding.writeVarUint(e, AuthType.token)
      encoding.writeVarString(e, token)
    }),
  syncStep1: (document: string, stateVector = new Uint8Array([0])) =>
    build(document, MessageType.sync, (e) => {
      encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep1)
      encoding.writeVarUint8Array(e, stateVector)
    }),
  syncStep2: (document: string, update: Uint8Array) =>
    build(document, MessageType.sync, (e) => {
      encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2)
      encoding.writeVarUint8Array(e, update)
    }),
  update: (document: string, update: Uint8Array) =>
    build(document, MessageType.sync, (e) => syncProtocol.writeUpdate(e, update)),
  awareness: (document: string, update: Uint8Array) =>
    build(document, MessageType.awareness, (e) => encoding.writeVarUint8Array(e, update)),
  stateless: (document: string, payload: string) =>
    build(document, MessageType.stateless, (e) => encoding.writeVarString(e, payload)),
  /** Any type with any payload bytes. */
  raw: (document: string, type: number, payload: Uint8Array) =>
    build(document, type, (e) => encoding.writeUint8Array(e, payload)),
}

export type Received =
  | { document: string; kind: 'authenticated'; scope: string }
  | { document: string; kind: 'denied'; reason: string }
  | { document: string; kind: 'sync'; step: number; payload: Uint8Array }
  | { document: string; kind: 'awareness'; update: Uint8Array }
  | { document: string; kind: 'sync-status'; applied: boolean }
  | { document: string; kind: 'close'; reason: string }
  | { document: string; kind: 'stateless'; payload: string }
  | { document: string; kind: 'other'; type: number }

/** A WebSocket client that speaks the protocol by hand and records what the server sends. */
export class RawClient {
  readonly received: Received[] = []
  /** Replicas built from the sync frames the server sent, per document. */
  readonly replicas = new Map<string, Y.Doc>()
  closed: { code: number; reason: string } | null = null

  private constructor(readonly socket: WebSocket) {
    socket.binaryType = 'nodebuffer'
    socket.on('message', (data: Buffer) => this.receive(new Uint8Array(data)))
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() }
    })
    socket.on('error', () => {
      // A refused or reset socket shows up as `closed`; tests assert on that.
    })
  }

  static open(syncUrl: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(syncUrl)
      socket.once('open', () => resolve(new RawClient(socket)))
      socket.once('error', reject)
    })
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN
  }

  send(bytes: Uint8Array | string): void {
    if (this.isOpen) this.socket.send(bytes)
  }

  /** Sends the token for `document`; resolves to the scope granted or the reason refused. */
  async authenticate(document: string, token: string): Promise<string> {
    const before = this.received.length
    this.send(frame.auth(document, token))
    let answer: Received | undefined
    await waitFor(
      () => {
        answer = this.received
          .slice(before)
          .find(
            (m) => m.document === document && (m.kind === 'authenticated' || m.kind === 'denied'),
          )
        return answer !== undefined || this.closed !== null
      },
      5000,
      `auth answer for ${document}`,
    )
    if (!answer) throw new Error(`socket closed before auth: ${JSON.stringify(this.closed)}`)
    return answer.kind === 'authenticated'
      ? answer.scope
      : `denied:${(answer as { reason: string }).reason}`
  }

  /** Asks for the whole document and waits until the server's state has arrived. */
  async pull(document: string): Promise<Y.Doc> {
    const before = this.received.length
    this.send(frame.syncStep1(document))
    await waitFor(
      () =>
        this.received
          .slice(before)
          .some((m) => m.document === document && m.kind === 'sync' && m.step === 1),
      5000,
      `sync step 2 for ${document}`,
    )
    return this.replica(document)
  }

  replica(document: string): Y.Doc {
    let doc = this.replicas.get(document)
    if (!doc) {
      doc = new Y.Doc()
      this.replicas.set(document, doc)
    }
    return doc
  }

  /** Waits for the socket to close; resolves to its code and reason. */
  async waitClosed(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    await waitFor(() => this.closed !== null, timeoutMs, 'socket closed')
    return this.closed!
  }

  close(): void {
    this.socket.terminate()
  }

  private receive(bytes: Uint8Array): void {
    const d = decoding.createDecoder(bytes)
    const document = decoding.readVarString(d).split('\0')[0]!
    const type = decoding.readVarUint(d)
    switch (type) {
      case MessageType.auth: {
        const sub = decoding.readVarUint(d)
        const text = decoding.readVarString(d)
        this.received.push(
          sub === AuthType.authenticated
            ? { document, kind: 'authenticated', scope: text }
            : { document, kind: 'denied', reason: text },
        )
        return
      }
      case MessageType.sync: {
        const step = decoding.readVarUint(d)
        const payload = decoding.readVarUint8Array(d)
        if (step !== syncProtocol.messageYjsSyncStep1)
          Y.applyUpdate(this.replica(document), payload)
        this.received.push({ document, kind: 'sync', step, payload })
        return
      }
      case MessageType.awareness:
        this.received.push({ document, kind: 'awareness', update: decoding.readVarUint8Array(d) })
        return
      case MessageType.syncStatus:
        this.received.push({ document, kind: 'sync-status', applied: decoding.readVarInt(d) === 1 })
        return
      case MessageType.close:
        this.received.push({ document, kind: 'close', reason: decoding.readVarString(d) })
        return
      case MessageType.stateless:
        this.received.push({ document, kind: 'stateless', payload: decoding.readVarString(d) })
        return
      default:
        this.received.push({ document, kind: 'other', type })
    }
  }
}

/** An awareness update carrying `state` for one made-up client id. */
export function awarenessUpdate(clientId: number, state: Record<string, unknown>): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 1)
  encoding.writeVarUint(e, clientId)
  encoding.writeVarUint(e, 1)
  encoding.writeVarString(e, JSON.stringify(state))
  return encoding.toUint8Array(e)
}

/** The states an awareness update carries, decoded. */
export function awarenessStates(update: Uint8Array): Map<number, Record<string, unknown>> {
  const doc = new Y.Doc()
  const awareness = new Awareness(doc)
  applyAwarenessUpdate(awareness, update, null)
  const states = new Map(awareness.getStates())
  states.delete(doc.clientID)
  awareness.destroy()
  doc.destroy()
  return states as Map<number, Record<string, unknown>>
}
