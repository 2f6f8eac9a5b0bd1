import { parseDocumentName } from '@podium/shared'
import * as decoding from 'lib0/decoding'
import * as Y from 'yjs'
import { outboxWriteProblem } from './outbox-shape.ts'

/** The message types a client sends (Hocuspocus' numbering); anything else is refused. */
const ClientMessage = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  stateless: 5,
  close: 7,
} as const

const SyncStep = { step1: 0, step2: 1, update: 2 } as const

/**
 * Why a frame from a client is malformed, or null when it is well-formed. Reads the frame
 * the way Hocuspocus will (`varString(document) varUint(type) payload`), including the Yjs
 * update or awareness states it carries, without applying anything. Hocuspocus would
 * otherwise log the decoding error and close only the one document, or close the socket
 * as unauthorized, depending on where the bytes broke. An update to an outbox must also
 * write only what an outbox holds (see outboxWriteProblem).
 */
export function frameProblem(bytes: Uint8Array): string | null {
  try {
    const d = decoding.createDecoder(bytes)
    // A document name may carry `\0` and a provider's session id after it.
    const name = decoding.readVarString(d).split('\0')[0] ?? ''
    const type = decoding.readVarUint(d)
    switch (type) {
      case ClientMessage.sync:
        return syncProblem(d, parseDocumentName(name)?.kind === 'outbox')
      case ClientMessage.awareness:
        return awarenessProblem(decoding.readVarUint8Array(d))
      case ClientMessage.auth:
        decoding.readVarUint(d)
        decoding.readVarString(d)
        return null
      case ClientMessage.stateless:
        decoding.readVarString(d)
        return null
      case ClientMessage.queryAwareness:
      case ClientMessage.close:
        return null
      default:
        return `message type ${type} is not one a client sends`
    }
  } catch (error) {
    return `frame does not decode: ${(error as Error).message}`
  }
}

function syncProblem(d: decoding.Decoder, outbox: boolean): string | null {
  const step = decoding.readVarUint(d)
  const payload = decoding.readVarUint8Array(d)
  switch (step) {
    case SyncStep.step1:
      Y.decodeStateVector(payload)
      return null
    case SyncStep.step2:
    case SyncStep.update: {
      const { structs } = Y.decodeUpdate(payload)
      return outbox ? outboxWriteProblem(structs) : null
    }
    default:
      return `sync step ${step} does not exist`
  }
}

/** Awareness: a count, then per client its id, clock and state as JSON (an object, or null when it left). */
function awarenessProblem(update: Uint8Array): string | null {
  const d = decoding.createDecoder(update)
  const count = decoding.readVarUint(d)
  for (let i = 0; i < count; i++) {
    decoding.readVarUint(d)
    decoding.readVarUint(d)
    const state: unknown = JSON.parse(decoding.readVarString(d))
    if (state !== null && (typeof state !== 'object' || Array.isArray(state)))
      return 'an awareness state is not an object'
  }
  return null
}
