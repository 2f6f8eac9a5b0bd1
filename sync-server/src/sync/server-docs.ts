import type { Hocuspocus } from '@hocuspocus/server'
import type * as Y from 'yjs'

const SERVER_CONTEXT = { server: true } as const

/**
 * The server's own reads and writes of documents (API routes, import, restore).
 * Each call opens a direct connection, so a document nobody has open is loaded,
 * changed in one transaction, stored, and unloaded again.
 */
export class ServerDocs {
  constructor(private readonly hocuspocus: Hocuspocus) {}

  async change<T>(name: string, fn: (doc: Y.Doc) => T): Promise<T> {
    const connection = await this.hocuspocus.openDirectConnection(name, SERVER_CONTEXT)
    let result: T | undefined
    try {
      await connection.transact((doc) => {
        result = fn(doc)
      })
    } finally {
      await connection.disconnect()
    }
    return result as T
  }

  async read<T>(name: string, fn: (doc: Y.Doc) => T): Promise<T> {
    const connection = await this.hocuspocus.openDirectConnection(name, SERVER_CONTEXT)
    try {
      return fn(connection.document!)
    } finally {
      await connection.disconnect()
    }
  }
}
