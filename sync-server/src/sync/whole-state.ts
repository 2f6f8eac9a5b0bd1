import {
  type Connection,
  type Document,
  type IncomingMessage,
  MessageReceiver,
  OutgoingMessage,
} from '@hocuspocus/server'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { messageYjsSyncStep1, messageYjsSyncStep2 } from 'y-protocols/sync'
import * as Y from 'yjs'

/** Documents whose whole state encodes to at least this many bytes keep the encoding. */
export const KEPT_STATE_BYTES = 64 * 1024

const kept = new WeakMap<Y.Doc, Uint8Array>()
const watched = new WeakSet<Y.Doc>()
const counts = { encoded: 0, reused: 0 }

/**
 * `Y.encodeStateAsUpdate(doc)`, kept until the document's next transaction when it is
 * large. Every client that connects without local state (a first visit) asks for the whole
 * document; for a 5,000-question session that encoding is 34 ms of the server's only
 * thread, the same bytes for every newcomer until something changes.
 */
export function wholeState(doc: Y.Doc): Uint8Array {
  const state = kept.get(doc)
  if (state) {
    counts.reused++
    return state
  }
  const encoded = Y.encodeStateAsUpdate(doc)
  counts.encoded++
  if (encoded.byteLength >= KEPT_STATE_BYTES) {
    if (!watched.has(doc)) {
      watched.add(doc)
      doc.on('afterTransaction', (transaction: Y.Transaction) => {
        if (kept.has(doc) && changesEncoding(transaction)) kept.delete(doc)
      })
    }
    kept.set(doc, encoded)
  }
  return encoded
}

/**
 * Whether a transaction leaves the document's encoding different: it added or deleted
 * something, or something waits for missing updates (pending structs are encoded too).
 * Most transactions of a busy document change it; but every newcomer also answers the
 * server's sync step 1 with what it has, nothing, and applying that is a transaction too.
 */
function changesEncoding(transaction: Y.Transaction): boolean {
  const { store } = transaction.doc
  if (transaction.deleteSet.clients.size > 0 || store.pendingStructs || store.pendingDs) return true
  if (transaction.afterState.size !== transaction.beforeState.size) return true
  for (const [client, clock] of transaction.afterState)
    if (transaction.beforeState.get(client) !== clock) return true
  return false
}

/** How often whole states were encoded and reused, since the process started. */
export function wholeStateCounts(): Readonly<typeof counts> {
  return { ...counts }
}

/** The empty state vector a client without local state sends in its sync step 1. */
function asksForWholeState(message: IncomingMessage): boolean {
  const { decoder } = message
  const start = decoder.pos
  try {
    if (decoding.readVarUint(decoder) !== messageYjsSyncStep1) return false
    const vector = decoding.readVarUint8Array(decoder)
    return vector.byteLength === 1 && vector[0] === 0
  } catch {
    return false
  } finally {
    decoder.pos = start
  }
}

type ReadSyncMessage = MessageReceiver['readSyncMessage']
/** Hocuspocus keeps its connection's hooks private; this is the one the sync answer calls. */
type WithBeforeSync = {
  callbacks: {
    beforeSync(
      connection: Connection,
      payload: { type: number; payload: Uint8Array },
    ): Promise<void>
  }
}

let installed = false

/**
 * Hocuspocus answers a sync step 1 with `Y.encodeStateAsUpdate(doc, vector)`, encoded
 * anew for every client. This answers an empty vector (a client without local state) with
 * `wholeState` instead, and leaves every other sync message to Hocuspocus. The answer is
 * otherwise Hocuspocus's own: the `beforeSync` hook, the step 2 written into the reply, and
 * the server's own step 1 so the client sends what it has.
 */
export function installWholeStateAnswer(): void {
  if (installed) return
  installed = true
  const receiver = MessageReceiver.prototype as { readSyncMessage: ReadSyncMessage }
  const original = receiver.readSyncMessage
  receiver.readSyncMessage = async function (
    this: MessageReceiver,
    message: IncomingMessage,
    document: Document,
    connection?: Connection,
    reply?: (message: Uint8Array) => void,
    requestFirstSync = true,
  ) {
    if (!asksForWholeState(message))
      return original.call(this, message, document, connection, reply, requestFirstSync)
    const address = connection?.messageAddress ?? document.name
    const type = message.readVarUint() as 0
    if (connection)
      await (connection as unknown as WithBeforeSync).callbacks.beforeSync(connection, {
        type,
        payload: message.peekVarUint8Array(),
      })
    message.readVarUint8Array()
    encoding.writeVarUint(message.encoder, messageYjsSyncStep2)
    encoding.writeVarUint8Array(message.encoder, wholeState(document))
    if (reply && requestFirstSync)
      reply(
        new OutgoingMessage(address)
          .createSyncReplyMessage()
          .writeFirstSyncStepFor(document)
          .toUint8Array(),
      )
    else if (connection)
      connection.send(
        new OutgoingMessage(address)
          .createSyncMessage()
          .writeFirstSyncStepFor(document)
          .toUint8Array(),
      )
    return type
  }
}
