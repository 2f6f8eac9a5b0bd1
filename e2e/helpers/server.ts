import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { build } from 'vite'
import { startPodium, type TestPodium } from '../../sync-server/test/helpers/podium.ts'

const ROOT = resolve(import.meta.dirname, '../..')
const DIST_INDEX = join(ROOT, 'client/dist/index.html')
/** What the built client is made from. */
const SOURCES = ['client/src', 'client/public', 'client/index.html', 'shared/src', 'vite.config.ts']

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)))
  return newest
}

let built: Promise<void> | null = null

/** Builds the client (vite build) unless client/dist is newer than every source; once per run. */
export function ensureClientBuilt(): Promise<void> {
  built ??= (async () => {
    const distTime = existsSync(DIST_INDEX) ? statSync(DIST_INDEX).mtimeMs : 0
    const sourceTime = Math.max(...SOURCES.map((p) => newestMtime(join(ROOT, p))))
    if (distTime > sourceTime) return
    await build({
      configFile: join(ROOT, 'vite.config.ts'),
      root: join(ROOT, 'client'),
      logLevel: 'warn',
    })
  })()
  return built
}

/** A real Podium on a free port serving the built client. */
export async function startServer(env: Record<string, string> = {}): Promise<TestPodium> {
  await ensureClientBuilt()
  return startPodium(env)
}
