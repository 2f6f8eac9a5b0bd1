/**
 * How often one document is given a poll's results while answers keep coming: at most
 * every `everyMs` per poll. A poll touched by staff (opened, closed, times stamped) is
 * written at once; one whose answers changed waits until `everyMs` has passed since its
 * last write, and `take` says when the first waiting one is due.
 */
export class ResultsCadence {
  /** When each poll's results were last written (server clock). */
  private readonly writtenAt = new Map<string, number>()
  /** Polls whose answers changed since their results were last written. */
  private readonly waiting = new Set<string>()

  constructor(readonly everyMs: number) {}

  /** Polls whose answers changed. */
  changed(pollIds: Iterable<string>): void {
    for (const id of pollIds) this.waiting.add(id)
  }

  /** The polls to write now (`now` ones at once, waiting ones when due), and when the next is. */
  take(now: ReadonlySet<string>, at: number): { due: Set<string>; next: number } {
    const due = new Set(now)
    let next = Number.POSITIVE_INFINITY
    for (const id of this.waiting) {
      const dueAt = (this.writtenAt.get(id) ?? Number.NEGATIVE_INFINITY) + this.everyMs
      if (due.has(id) || dueAt <= at) {
        due.add(id)
        this.waiting.delete(id)
      } else next = Math.min(next, dueAt)
    }
    for (const id of due) this.writtenAt.set(id, at)
    return { due, next }
  }
}
