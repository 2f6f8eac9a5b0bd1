// The client build, kept current: `npm start` and the benchmark's Chromium step build
// the client when its build is missing or older than its sources.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const builtIndex = join(root, 'client', 'dist', 'index.html')
/** What the client build reads: its sources, the shared contracts and the build config. */
const clientInputs = [
  'client/src',
  'client/public',
  'client/index.html',
  'client/package.json',
  'shared/src',
  'index.html',
  'vite.config.ts',
]
const skipped = new Set(['node_modules', 'dist'])

/** The newest modification time (ms) of a file, or of any file under a folder. */
function newestChange(path) {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = 0
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (skipped.has(entry.name)) continue
    newest = Math.max(newest, newestChange(join(path, entry.name)))
  }
  return newest
}

/** True when client/dist is at least as new as everything it is built from. */
export function clientIsCurrent() {
  if (!existsSync(builtIndex)) return false
  const built = statSync(builtIndex).mtimeMs
  return clientInputs.every((input) => newestChange(join(root, input)) <= built)
}

/**
 * Builds the client with the repository's vite.config.ts. `quiet`: warnings only, no
 * announcement (the tests and the benchmark build it on the way).
 */
export async function buildClient({ quiet = false } = {}) {
  if (!quiet) {
    process.stdout.write(
      'Building the client (client/dist is missing or older than its sources)…\n',
    )
  }
  const { build } = await import('vite')
  const cwd = process.cwd()
  process.chdir(root)
  try {
    await build({
      configFile: join(root, 'vite.config.ts'),
      ...(quiet ? { logLevel: 'warn' } : {}),
    })
  } finally {
    process.chdir(cwd)
  }
}
