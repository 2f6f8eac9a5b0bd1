/**
 * How long a session's ingest state stays in memory: while any of the session's documents
 * is loaded on this instance (each has the Ingest's listeners), and for a while after the
 * last thing that happened (a document loaded or unloaded, work asked for). The rest of
 * what keeps it (work pending or running, people present) its parts tell busy().
 */
export class SessionLifetime {
  private readonly documents = new Set<string>()
  private lastActive = Date.now()

  documentLoaded(name: string): void {
    this.documents.add(name)
    this.touch()
  }

  documentUnloaded(name: string): void {
    this.documents.delete(name)
    this.touch()
  }

  /** Something happened now. */
  touch(now = Date.now()): void {
    this.lastActive = now
  }

  /**
   * What keeps the session held at `now`: recent activity, documents loaded, and those of
   * `others` (what its parts say, as [holds, why]) that hold.
   */
  busy(now: number, idleMs: number, others: ReadonlyArray<[boolean, string]> = []): string[] {
    const reasons: Array<[boolean, string]> = [
      [now - this.lastActive < idleMs, 'recent activity'],
      [this.documents.size > 0, `documents loaded: ${[...this.documents].join(', ')}`],
      ...others,
    ]
    return reasons.filter(([holds]) => holds).map(([, why]) => why)
  }
}
