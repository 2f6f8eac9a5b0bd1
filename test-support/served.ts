// Podium as `npm start` serves it (the built client, and signaling when asked), for the
// browser tests, the benchmarks and the scripts that drive it in Chromium.
import { type PodiumOptions, signalingOptions } from '@podium/sync-server'
import { buildClient, clientIsCurrent } from '../scripts/client-build.mjs'
import { startPodium, type TestPodium } from './podium.ts'

let built: Promise<void> | null = null

/** Builds the client (vite build) unless client/dist is newer than every source; once per run. */
export function ensureClientBuilt(): Promise<void> {
  built ??= clientIsCurrent() ? Promise.resolve() : buildClient({ quiet: true })
  return built
}

export interface ServerOptions {
  /**
   * Mount the video signaling endpoints (PeerJS, y-webrtc, ICE servers) on the same
   * port, so the server is Podium as `npm start` runs it.
   */
  signaling?: boolean
  /** Data folder to use and keep, so a test can start the server again over the same data. */
  dataDir?: string
  /** The notifications' test settings (a local push service, its certificate). */
  notifications?: PodiumOptions['notifications']
}

/** A real Podium on a free port serving the built client, with `env` over the test defaults. */
export async function startServer(
  env: Record<string, string> = {},
  options: ServerOptions = {},
): Promise<TestPodium> {
  await ensureClientBuilt()
  return startPodium(env, {
    ...(options.signaling ? signalingOptions() : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.notifications ? { notifications: options.notifications } : {}),
  })
}
