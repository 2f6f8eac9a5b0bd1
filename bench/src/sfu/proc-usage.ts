import { readFileSync } from 'node:fs'

/**
 * A process's CPU time and memory from /proc, and the machine's busy share: the SFU's
 * cost is read from outside it, the way `top` reads it.
 */

/** User + system CPU seconds of every thread of a process, from the text of /proc/<pid>/stat. */
export function cpuSecondsFromStat(stat: string, ticksPerSecond: number): number {
  // The command name (field 2) is in parentheses and may hold spaces: count after its end.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // After the name: state is field 3, utime field 14, stime field 15.
  const utime = Number(fields[11])
  const stime = Number(fields[12])
  if (!Number.isFinite(utime) || !Number.isFinite(stime))
    throw new Error('not the text of /proc/<pid>/stat')
  return (utime + stime) / ticksPerSecond
}

/** Resident memory in MiB, from the text of /proc/<pid>/status (VmRSS, in kB). */
export function rssMibFromStatus(status: string): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status)
  if (!match) throw new Error('no VmRSS line in /proc/<pid>/status')
  return Number(match[1]) / 1024
}

/** Busy and total jiffies of all cores together, from the first line of /proc/stat. */
export function machineTicksFromStat(stat: string): { busy: number; total: number } {
  const line = stat.split('\n').find((l) => l.startsWith('cpu '))
  if (!line) throw new Error('no cpu line in /proc/stat')
  const values = line.trim().split(/\s+/).slice(1).map(Number)
  // user nice system idle iowait irq softirq steal (guest time is inside user already)
  const total = values.slice(0, 8).reduce((sum, n) => sum + n, 0)
  const idle = (values[3] ?? 0) + (values[4] ?? 0)
  return { busy: total - idle, total }
}

// Linux's USER_HZ: 100 on every architecture Node runs on.
const TICKS = 100

export const processCpuSeconds = (pid: number) =>
  cpuSecondsFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8'), TICKS)

export const processRssMib = (pid: number) =>
  rssMibFromStatus(readFileSync(`/proc/${pid}/status`, 'utf8'))

export const machineTicks = () => machineTicksFromStat(readFileSync('/proc/stat', 'utf8'))
