import { buildClient, clientIsCurrent } from '../../scripts/client-build.mjs'
import { startPodium, type TestPodium } from '../../test-support/podium.ts'

let built: Promise<void> | null = null

/** Builds the client (vite build) unless client/dist is newer than every source; once per run. */
export function ensureClientBuilt(): Promise<void> {
  built ??= clientIsCurrent() ? Promise.resolve() : buildClient({ quiet: true })
  return built
}

/** A real Podium on a free port serving the built client. */
export async function startServer(env: Record<string, string> = {}): Promise<TestPodium> {
  await ensureClientBuilt()
  return startPodium(env)
}
