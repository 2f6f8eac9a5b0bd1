import { readFileSync } from 'node:fs'

/** CPU time and memory of one process, read from /proc (Linux). */
export interface ProcSample {
  at: number
  /** user + system CPU seconds since the process started. */
  cpuSeconds: number
  rssBytes: number
}

const TICKS_PER_SECOND = 100

export function readProc(pid: number): ProcSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name (which may contain spaces) start after ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const utime = Number(fields[11])
    const stime = Number(fields[12])
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const rss = /VmRSS:\s+(\d+) kB/.exec(status)
    return {
      at: performance.now(),
      cpuSeconds: (utime + stime) / TICKS_PER_SECOND,
      rssBytes: rss ? Number(rss[1]) * 1024 : 0,
    }
  } catch {
    return null
  }
}

export interface UsageSummary {
  /** Average CPU over the window, in % of one core. */
  cpuPercent: number
  /** Highest CPU of one sampling interval in the window, in % of one core. */
  cpuPeakPercent: number
  /**
   * The median of the intervals' CPU: a steady load's cost without the odd interval that
   * caught a garbage collection or a debounced store.
   */
  cpuMedianPercent: number
  rssMaxBytes: number
  rssEndBytes: number
}

/** Samples a set of processes every `everyMs` until stopped. */
export class Sampler {
  private readonly samples = new Map<number, ProcSample[]>()
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly pids: () => number[],
    private readonly everyMs = 500,
  ) {}

  start(): void {
    this.samples.clear()
    this.sample()
    this.timer = setInterval(() => this.sample(), this.everyMs)
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.sample()
  }

  summary(pid: number): UsageSummary {
    const list = this.samples.get(pid) ?? []
    const first = list[0]
    const last = list.at(-1)
    if (!first || !last || last.at === first.at) {
      return {
        cpuPercent: 0,
        cpuPeakPercent: 0,
        cpuMedianPercent: 0,
        rssMaxBytes: 0,
        rssEndBytes: last?.rssBytes ?? 0,
      }
    }
    const intervals: number[] = []
    for (let i = 1; i < list.length; i++) {
      const a = list[i - 1]!
      const b = list[i]!
      if (b.at - a.at < this.everyMs / 2) continue
      intervals.push(((b.cpuSeconds - a.cpuSeconds) / ((b.at - a.at) / 1000)) * 100)
    }
    const sorted = [...intervals].sort((x, y) => x - y)
    const peak = sorted.at(-1) ?? 0
    const cpuPercent = ((last.cpuSeconds - first.cpuSeconds) / ((last.at - first.at) / 1000)) * 100
    const median = sorted.length ? sorted[Math.floor(sorted.length / 2)]! : cpuPercent
    return {
      cpuPercent,
      cpuPeakPercent: peak,
      cpuMedianPercent: median,
      rssMaxBytes: Math.max(...list.map((s) => s.rssBytes)),
      rssEndBytes: last.rssBytes,
    }
  }

  /** CPU seconds a process used over the window. */
  cpuSeconds(pid: number): number {
    const list = this.samples.get(pid) ?? []
    return (list.at(-1)?.cpuSeconds ?? 0) - (list[0]?.cpuSeconds ?? 0)
  }

  private sample(): void {
    for (const pid of this.pids()) {
      const sample = readProc(pid)
      if (!sample) continue
      const list = this.samples.get(pid)
      if (list) list.push(sample)
      else this.samples.set(pid, [sample])
    }
  }
}
