import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'

/**
 * The frames a simulated client sends and reads, built with the same lib0 and
 * y-protocols encoders the real providers use. Two wire formats:
 *
 * - Hocuspocus: `varString(documentName) varUint(type) payload`, many documents
 *   multiplexed on one socket.
 * - y-websocket: `varUint(type) payload`, one document per socket (named by the URL).
 */

/** Hocuspocus message types (from @hocuspocus/server and @hocuspocus/provider). */
export const HocusType = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  syncReply: 4,
  stateless: 5,
  close: 7,
  syncStatus: 8,
} as const

/** Auth sub-types (from @hocuspocus/common). */
export const AuthType = { token: 0, permissionDenied: 1, authenticated: 2 } as const

/** y-protocols sync sub-types. */
export const SyncType = {
  step1: syncProtocol.messageYjsSyncStep1,
  step2: syncProtocol.messageYjsSyncStep2,
  update: syncProtocol.messageYjsUpdate,
} as const

/** y-websocket message types (y-websocket/bin/utils.js). */
export const YwsType = { sync: 0, awareness: 1 } as const

/** The provider version the Auth frame carries (what @hocuspocus/provider 4.8 sends). */
export const PROVIDER_VERSION = '4.8.0'

const emptyDoc = new Y.Doc()

type Prefix = (encoder: encoding.Encoder) => void

function frame(prefix: Prefix, body: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder()
  prefix(encoder)
  body(encoder)
  return encoding.toUint8Array(encoder)
}

/** Frame builders for one document on one wire format. */
export interface Framer {
  syncStep1(doc?: Y.Doc): Uint8Array
  syncStep2(doc?: Y.Doc, stateVector?: Uint8Array): Uint8Array
  update(update: Uint8Array): Uint8Array
  /** An awareness update for one client (what y-protocols' encodeAwarenessUpdate writes). */
  awareness(clientId: number, clock: number, state: Record<string, unknown> | null): Uint8Array
}

function framer(prefix: Prefix, syncType: number, awarenessType: number): Framer {
  const sync = (encoder: encoding.Encoder) => {
    prefix(encoder)
    encoding.writeVarUint(encoder, syncType)
  }
  return {
    syncStep1: (doc = emptyDoc) => frame(sync, (e) => syncProtocol.writeSyncStep1(e, doc)),
    syncStep2: (doc = emptyDoc, stateVector) =>
      frame(sync, (e) => syncProtocol.writeSyncStep2(e, doc, stateVector)),
    update: (update) => frame(sync, (e) => syncProtocol.writeUpdate(e, update)),
    awareness: (clientId, clock, state) =>
      frame(
        (e) => {
          prefix(e)
          encoding.writeVarUint(e, awarenessType)
        },
        (e) => {
          const inner = encoding.createEncoder()
          encoding.writeVarUint(inner, 1)
          encoding.writeVarUint(inner, clientId)
          encoding.writeVarUint(inner, clock)
          encoding.writeVarString(inner, JSON.stringify(state))
          encoding.writeVarUint8Array(e, encoding.toUint8Array(inner))
        },
      ),
  }
}

export interface HocusFramer extends Framer {
  auth(token: string): Uint8Array
  close(): Uint8Array
  /** A stateless message (what HocuspocusProvider.sendStateless sends). */
  stateless(payload: string): Uint8Array
}

export function hocusFramer(documentName: string): HocusFramer {
  const prefix: Prefix = (e) => encoding.writeVarString(e, documentName)
  return {
    ...framer(prefix, HocusType.sync, HocusType.awareness),
    auth: (token) =>
      frame(prefix, (e) => {
        encoding.writeVarUint(e, HocusType.auth)
        encoding.writeVarUint(e, AuthType.token)
        encoding.writeVarString(e, token)
        encoding.writeVarString(e, PROVIDER_VERSION)
      }),
    close: () => frame(prefix, (e) => encoding.writeVarUint(e, HocusType.close)),
    stateless: (payload) =>
      frame(prefix, (e) => {
        encoding.writeVarUint(e, HocusType.stateless)
        encoding.writeVarString(e, payload)
      }),
  }
}

export function ywsFramer(): Framer {
  return framer(() => {}, YwsType.sync, YwsType.awareness)
}

/** What a received frame is, decoded just far enough to route it. */
export type Incoming =
  | { kind: 'sync'; syncType: number; payload: Uint8Array }
  | { kind: 'authenticated'; scope: string }
  | { kind: 'denied'; reason: string }
  | { kind: 'status'; applied: boolean }
  | { kind: 'close'; reason: string }
  | { kind: 'other'; type: number }

/** Reads the body of a frame after its routing prefix (document name on Hocuspocus). */
export function readBody(decoder: decoding.Decoder, wire: 'hocuspocus' | 'y-websocket'): Incoming {
  const type = decoding.readVarUint(decoder)
  if (type === HocusType.sync || (wire === 'hocuspocus' && type === HocusType.syncReply)) {
    const syncType = decoding.readVarUint(decoder)
    return { kind: 'sync', syncType, payload: decoding.readVarUint8Array(decoder) }
  }
  if (wire === 'y-websocket') return { kind: 'other', type }
  switch (type) {
    case HocusType.auth: {
      const sub = decoding.readVarUint(decoder)
      if (sub === AuthType.authenticated) {
        return { kind: 'authenticated', scope: decoding.readVarString(decoder) }
      }
      if (sub === AuthType.permissionDenied) {
        return { kind: 'denied', reason: decoding.readVarString(decoder) }
      }
      return { kind: 'other', type }
    }
    case HocusType.syncStatus:
      return { kind: 'status', applied: decoding.readVarUint(decoder) === 1 }
    case HocusType.close:
      return { kind: 'close', reason: decoding.readVarString(decoder) }
    default:
      return { kind: 'other', type }
  }
}

/** Reads a varUint at `offset` of `bytes`; returns the value and the offset after it. */
export function varUintAt(bytes: Uint8Array, offset: number): [value: number, next: number] {
  let value = 0
  let shift = 0
  let at = offset
  for (;;) {
    const byte = bytes[at++]
    if (byte === undefined) throw new Error('truncated varUint')
    value += (byte & 0x7f) * 2 ** shift
    if (byte < 0x80) return [value, at]
    shift += 7
    if (shift > 49) throw new Error('varUint too long')
  }
}
