import pino from 'pino'
import { loadSignalConfig, SignalConfigError } from './config.ts'
import { createSignalServer } from './server.ts'

/** Runs the signal-server alone on SIGNAL_PORT (docker-compose's `signal` service). */
async function main() {
  let config: ReturnType<typeof loadSignalConfig>
  try {
    config = loadSignalConfig()
  } catch (error) {
    if (error instanceof SignalConfigError) {
      process.stderr.write(`${error.message}\n`)
      process.exit(78)
    }
    throw error
  }
  const log = pino({ level: config.logLevel })
  const server = await createSignalServer(config, log)
  const url = await server.listen()
  log.info({ url, turn: Boolean(config.turn.secret) }, 'signal-server is listening')
  if (!config.syncServerUrl)
    log.info(
      "SYNC_SERVER_URL is not set: every session may use the video stage, whatever its host's plan",
    )
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'stopping')
    await server.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))
}

main().catch((error) => {
  process.stderr.write(
    `The signal-server failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  )
  process.exit(1)
})
