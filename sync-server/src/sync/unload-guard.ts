import {
  type connectedPayload,
  type Document,
  type Extension,
  Hocuspocus,
} from '@hocuspocus/server'

/**
 * Keeps a document in memory while a connection to it is being set up.
 *
 * Between a connection being authorized and it being added to its document there is an
 * await; if the document's last connection closes in that window, Hocuspocus unloads the
 * document and the new connection is left attached to a destroyed copy (its changes then
 * reach nobody). This guard notes connections on their way in; GuardedHocuspocus asks it
 * in the same synchronous check that decides an unload.
 */
export class UnloadGuard implements Extension {
  priority = 1100
  extensionName = 'podium-unload-guard'
  private readonly arriving = new Map<string, Set<string>>()

  /** Called once a connection (`key`: its socket id) to `name` has been authorized. */
  arrive(name: string, key: string): void {
    let keys = this.arriving.get(name)
    if (!keys) {
      keys = new Set()
      this.arriving.set(name, keys)
    }
    keys.add(key)
    // A connection that fails after authorization must not pin the document forever.
    setTimeout(() => this.settle(name, key), 30_000).unref()
  }

  settle(name: string, key: string): void {
    const keys = this.arriving.get(name)
    if (!keys) return
    keys.delete(key)
    if (keys.size === 0) this.arriving.delete(name)
  }

  async connected({ documentName, socketId }: connectedPayload): Promise<void> {
    this.settle(documentName, socketId)
  }

  hasArrivals(name: string): boolean {
    return this.arriving.has(name)
  }

  /** Opens a direct connection the same way, so the document cannot unload under it. */
  async openDirect(hocuspocus: Hocuspocus, name: string) {
    const key = `direct:${Math.random()}`
    this.arrive(name, key)
    try {
      return await hocuspocus.openDirectConnection(name, { server: true })
    } finally {
      this.settle(name, key)
    }
  }
}

/** Hocuspocus that does not unload a document while connections to it are arriving. */
export class GuardedHocuspocus extends Hocuspocus {
  guard: UnloadGuard | null = null

  override shouldUnloadDocument(document: Document): boolean {
    return super.shouldUnloadDocument(document) && !this.guard?.hasArrivals(document.name)
  }
}
