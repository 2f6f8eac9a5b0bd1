// First: small random draws (every Y.Doc's guid) come from a pool; see random-pool.ts.
import './sync/random-pool.ts'
import pino from 'pino'
import { createPodium } from './app.ts'
import { ConfigError, loadConfig } from './config.ts'
import { signalingOptions } from './signaling/mount.ts'

/**
 * How long a stop may take before the process exits anyway: orchestrators (compose,
 * Kubernetes) kill after 10 s, and what is left undone is in clients' outboxes.
 */
const STOP_DEADLINE_MS = 9_000

/**
 * `npm start`: reads the environment, starts Podium, and on SIGINT/SIGTERM drains: not
 * ready, no new sockets, everything stored, clients told to reconnect, then exits.
 */
async function main() {
  let config: ReturnType<typeof loadConfig>
  try {
    config = loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`)
      process.exit(78)
    }
    throw error
  }
  const log = pino({ level: config.logLevel })
  const podium = await createPodium(config, { logger: log, ...signalingOptions() })
  await podium.listen()
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'stopping')
    setTimeout(() => {
      log.error({ signal, ms: STOP_DEADLINE_MS }, 'stop took too long; exiting')
      process.exit(1)
    }, STOP_DEADLINE_MS).unref()
    await podium.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))
}

main().catch((error) => {
  process.stderr.write(
    `Podium failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  )
  process.exit(1)
})
