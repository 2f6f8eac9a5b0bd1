// Chromium for everything that drives the product in a browser: the e2e tests, the mesh
// benchmark and the join-latency script.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'

/** Flags for a headless Chromium in a container: no sandbox, GPU, QUIC or background traffic. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

function playwrightChromium(): string | null {
  try {
    const path = chromium.executablePath()
    return path && existsSync(path) ? path : null
  } catch {
    return null
  }
}

function isDebian(): boolean {
  return existsSync('/etc/debian_version') || /ID(_LIKE)?=.*debian/.test(readOsRelease())
}

function readOsRelease(): string {
  try {
    return readFileSync('/etc/os-release', 'utf8')
  } catch {
    return ''
  }
}

/**
 * A Chromium to drive: $CHROMIUM_PATH, the system's /usr/bin/chromium, or playwright-core's
 * own download. With none of those, installs one (apt as root on Debian, else playwright-core).
 */
export function findChromium(): string {
  const fromEnv = process.env.CHROMIUM_PATH
  if (fromEnv) {
    if (!existsSync(fromEnv))
      throw new Error(`CHROMIUM_PATH is set to ${fromEnv}, which does not exist`)
    return fromEnv
  }
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium'
  const own = playwrightChromium()
  if (own) return own

  if (process.getuid?.() === 0 && isDebian()) {
    execFileSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'inherit' })
    if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium'
  } else {
    execFileSync('npx', ['playwright-core', 'install', 'chromium'], { stdio: 'inherit' })
    const installed = playwrightChromium()
    if (installed) return installed
  }
  throw new Error(
    'No Chromium found. Install one (apt-get install chromium) or set CHROMIUM_PATH to its executable.',
  )
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), headless: true, args: CHROMIUM_ARGS })
}
