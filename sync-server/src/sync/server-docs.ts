import type { DirectConnection, Hocuspocus } from '@hocuspocus/server'
import type { Logger } from 'pino'
import type * as Y from 'yjs'
import type { UnloadGuard } from './unload-guard.ts'

/**
 * The server's own reads and writes of documents (API routes, import, restore).
 * Each call opens a direct connection, so a document nobody has open is loaded,
 * changed in one transaction, stored, and unloaded again.
 *
 * A change is stored before the call returns; letting go of the connection is not
 * waited for. Closing a direct connection runs Hocuspocus's store hooks, and with
 * Redis (scaled out) those hold each close for a second, and the unload that follows
 * for another, so that other instances hear the last change first. Waited for, every
 * API write and read took two seconds on a scaled-out deployment.
 */
export class ServerDocs {
  constructor(
    private readonly hocuspocus: Hocuspocus,
    private readonly guard: UnloadGuard,
    /** Stores what is pending for a document now (Persistence.flush). */
    private readonly store: (name: string) => Promise<void>,
    private readonly log: Logger,
  ) {}

  async change<T>(name: string, fn: (doc: Y.Doc) => T): Promise<T> {
    const connection = await this.guard.openDirect(this.hocuspocus, name)
    let result: T | undefined
    try {
      await connection.transact((doc) => {
        result = fn(doc)
      })
      await this.store(name)
    } finally {
      this.release(connection, name)
    }
    return result as T
  }

  async read<T>(name: string, fn: (doc: Y.Doc) => T): Promise<T> {
    const connection = await this.guard.openDirect(this.hocuspocus, name)
    try {
      return fn(connection.document!)
    } finally {
      this.release(connection, name)
    }
  }

  private release(connection: DirectConnection, name: string): void {
    connection
      .disconnect()
      .catch((error: unknown) =>
        this.log.error({ err: error, document: name }, 'closing a server connection failed'),
      )
  }
}
