import type { Hocuspocus } from '@hocuspocus/server'
import type * as Y from 'yjs'
import type { UnloadGuard } from './unload-guard.ts'

/**
 * The server's own reads and writes of documents (API routes, import, restore).
 * Each call opens a direct connection, so a document nobody has open is loaded,
 * changed in one transaction, stored, and unloaded again.
 */
export class ServerDocs {
  constructor(
    private readonly hocuspocus: Hocuspocus,
    private readonly guard: UnloadGuard,
  ) {}

  async change<T>(name: string, fn: (doc: Y.Doc) => T): Promise<T> {
    const connection = await this.guard.openDirect(this.hocuspocus, name)
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
    const connection = await this.guard.openDirect(this.hocuspocus, name)
    try {
      return fn(connection.document!)
    } finally {
      await connection.disconnect()
    }
  }
}
