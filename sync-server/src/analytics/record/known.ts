/** What a person is known to have done in a session: flags that, once set, stay set. */
export const Fact = { seen: 1, staff: 2, asked: 4, voted: 8, replied: 16 } as const

/** How many people's facts are kept (the least recently used go first). */
const CAPACITY = 100_000

/**
 * Facts about people that committed batches stored, kept in memory so a vote storm's
 * voters are not read again on every vote: a voter known to have voted changes nothing
 * in the state tables. Only facts that never change back are kept, and only once their
 * batch has committed, so a batch that rolled back never leaves a fact behind; another
 * instance's recordings only ever add facts, which a later read finds.
 */
export class KnownFacts {
  private readonly facts = new Map<string, number>()

  constructor(private readonly capacity = CAPACITY) {}

  /** Whether all of `bits` are known of the person with this key. */
  has(key: string, bits: number): boolean {
    const known = this.facts.get(key)
    return known !== undefined && (known & bits) === bits
  }

  learn(learned: ReadonlyMap<string, number>): void {
    for (const [key, bits] of learned) {
      const known = this.facts.get(key) ?? 0
      this.facts.delete(key)
      this.facts.set(key, known | bits)
    }
    for (const key of this.facts.keys()) {
      if (this.facts.size <= this.capacity) break
      this.facts.delete(key)
    }
  }
}
