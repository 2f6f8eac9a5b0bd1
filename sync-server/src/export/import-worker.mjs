// Builds imports off the server's main thread (see import-thread.ts). Plain JavaScript so
// it starts as a worker however the server itself is run; it loads the TypeScript that
// does the work with tsx.
import { parentPort } from 'node:worker_threads'
import { tsImport } from 'tsx/esm/api'

const { buildImport } = await tsImport('./build-import.ts', import.meta.url)

/** Upload id → the body's chunks so far. Kept until discarded: a build may run again. */
const uploads = new Map()

parentPort.on('message', (message) => {
  switch (message.type) {
    case 'chunk': {
      const chunks = uploads.get(message.id) ?? []
      chunks.push(message.chunk)
      uploads.set(message.id, chunks)
      return
    }
    case 'build': {
      const { id, ids, bytes } = message
      try {
        const body = Buffer.concat(uploads.get(id) ?? [])
        // A worker restarted meanwhile has lost the chunks sent to the one before.
        if (body.byteLength !== bytes) throw new Error('the upload was lost')
        const outcome = buildImport(body, ids)
        const transfer = outcome.ok
          ? [
              ...new Set(
                [...outcome.built.publicUpdates, ...outcome.built.modUpdates].map((u) => u.buffer),
              ),
            ]
          : []
        parentPort.postMessage({ id, outcome }, transfer)
      } catch (error) {
        parentPort.postMessage({
          id,
          error: error instanceof Error ? error.message : String(error),
        })
      }
      return
    }
    case 'discard':
      uploads.delete(message.id)
      return
    default:
      throw new Error(`unknown message ${message.type}`)
  }
})
