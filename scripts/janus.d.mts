import type { ChildProcess } from 'node:child_process'

export const JANUS_BINARY: string
export const JANUS_LIBRARIES: string
export function findJanus(env?: Record<string, string | undefined>): string | null
export function writeJanusConfig(options: {
  dir?: string
  wsPort: number
  wsHost?: string
  rtpPorts: [number, number]
  iceInterfaces?: string
  apiSecret: string
  nat11?: string
}): string
export function spawnJanus(binary: string, dir: string): ChildProcess
export function startLocalJanus(
  env: Record<string, string | undefined>,
  say: (line: string) => void,
): Promise<{
  env: { JANUS_URL: string; JANUS_API_SECRET: string }
  stop(): void
  child: ChildProcess
} | null>
