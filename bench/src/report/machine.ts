import { execFileSync } from 'node:child_process'
import { cpus, loadavg, totalmem } from 'node:os'

export interface Machine {
  cpuModel: string
  cores: number
  memoryGb: number
  node: string
  platform: string
  openFilesLimit: string
  loadAverageAtStart: number[]
  /** How the server and the generators were placed on the cores. */
  placement: string
}

export function describeMachine(placement: string): Machine {
  const list = cpus()
  let openFiles = 'unknown'
  try {
    openFiles = execFileSync('/bin/sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim()
  } catch {
    // not a POSIX shell
  }
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    openFilesLimit: openFiles,
    loadAverageAtStart: loadavg().map((n) => Math.round(n * 100) / 100),
    placement,
  }
}
