import { loadavg } from 'node:os'

export const round = (n: number, digits = 1) => {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

export const mb = (bytes: number) => round(bytes / 1024 ** 2, 1)

export function loadAverage(): number[] {
  return loadavg().map((n) => round(n, 2))
}

/** Adds up counts by key (errors by kind, tallies by question) from several generators. */
export function mergeCounts(list: Array<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const counts of list) for (const [k, v] of Object.entries(counts)) out[k] = (out[k] ?? 0) + v
  return out
}
