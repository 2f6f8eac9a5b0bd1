import type { FromWorker, ToWorker } from './messages.ts'

/** The worker's side of the IPC channel: report phases, wait for the coordinator's signals. */
export class Control {
  private readonly signals = new Map<string, (data: unknown) => void>()
  private readonly received = new Map<string, unknown>()

  constructor() {
    process.on('message', (message: ToWorker) => {
      if (message.type !== 'signal') return
      this.received.set(message.name, message.data)
      this.signals.get(message.name)?.(message.data)
    })
  }

  /** Reports a phase; resolves once the message has been handed to the channel. */
  phase(name: string, data: unknown = null): Promise<void> {
    const message: FromWorker = { type: 'phase', name, data }
    return new Promise((resolve) => {
      if (!process.send) resolve()
      else process.send(message, () => resolve())
    })
  }

  /** Resolves with the signal's data when the coordinator sends `name` (at once if it has). */
  signal(name: string): Promise<unknown> {
    if (this.received.has(name)) return Promise.resolve(this.received.get(name))
    return new Promise((resolve) => this.signals.set(name, resolve))
  }
}

/** Calls `fn` at `ratePerSecond` for `count` items, open loop (a late start does not delay the rest). */
export async function paced(
  count: number,
  ratePerSecond: number,
  fn: (index: number, scheduledAt: number) => void,
): Promise<void> {
  const start = performance.now()
  const interval = 1000 / ratePerSecond
  let next = 0
  while (next < count) {
    const now = performance.now()
    const due = Math.min(count, Math.floor((now - start) / interval) + 1)
    while (next < due) {
      fn(next, start + next * interval)
      next++
    }
    if (next < count) {
      const wait = start + next * interval - performance.now()
      await new Promise((r) => setTimeout(r, Math.max(1, Math.min(wait, 50))))
    }
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/** Waits until `done()` or `timeoutMs`; returns whether it became true. */
export async function until(
  done: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 20,
): Promise<boolean> {
  const end = performance.now() + timeoutMs
  while (!(await done())) {
    if (performance.now() > end) return false
    await sleep(everyMs)
  }
  return true
}
