/** mulberry32: a tiny seeded PRNG, so a failing random run can be replayed from its seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Convenience draws over one seeded stream. */
export class Random {
  readonly next: () => number

  constructor(readonly seed: number) {
    this.next = mulberry32(seed)
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive)
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(list: readonly T[]): T {
    if (list.length === 0) throw new Error('pick from an empty list')
    return list[this.int(list.length)]!
  }

  /** A key chosen by weight: `{ask: 3, vote: 5}` picks vote 5 times in 8. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as Array<[K, number]>
    const total = entries.reduce((sum, [, w]) => sum + w, 0)
    let r = this.next() * total
    for (const [key, w] of entries) {
      r -= w
      if (r < 0) return key
    }
    return entries[entries.length - 1]![0]
  }

  /** Deterministic ids (newId() is random, which would make a seed irreproducible). */
  id(prefix: string): string {
    let s = ''
    for (let i = 0; i < 12; i++) s += 'abcdefghijklmnopqrstuvwxyz0123456789'[this.int(36)]
    return `${prefix}${s}`
  }
}
