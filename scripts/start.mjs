// `npm start`: reads `.env` if there is one, builds the client when its build is missing
// or older than its sources, starts Janus (the SFU) when it is installed and JANUS_URL is
// unset, then runs the sync-server from source with tsx, passing signals through and
// exiting with the server's exit code.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildClient, clientIsCurrent } from './client-build.mjs'
import { startLocalJanus } from './janus.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
function runServer(janus) {
  const tsx = import.meta.resolve('tsx')
  const main = join(root, 'sync-server', 'src', 'main.ts')
  const server = spawn(process.execPath, ['--import', tsx, main], {
    stdio: 'inherit',
    env: { ...process.env, ...janus?.env },
  })
  const forwarded = ['SIGINT', 'SIGTERM', 'SIGHUP']
  const forward = (signal) => {
    if (server.exitCode === null && server.signalCode === null) server.kill(signal)
  }
  for (const signal of forwarded) process.on(signal, forward)
  server.on('error', (error) => {
    process.stderr.write(`Could not start the sync-server: ${error.message}\n`)
    process.exit(1)
  })
  server.on('exit', (code, signal) => {
    janus?.stop()
    for (const s of forwarded) process.off(s, forward)
    if (signal) process.kill(process.pid, signal)
    else process.exit(code ?? 1)
  })
}

// Variables already in the environment win over the file's.
const envFile = join(root, '.env')
if (existsSync(envFile)) process.loadEnvFile(envFile)

if (!clientIsCurrent()) {
  try {
    await buildClient()
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    process.stderr.write(
      `\nThe client build failed: ${reason}\nFix the error above, then run \`npm start\` again (\`npm run build\` rebuilds the client alone).\n`,
    )
    process.exit(1)
  }
}
let janus = null
try {
  janus = await startLocalJanus(process.env, (line) => process.stderr.write(`${line}\n`))
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
}
runServer(janus)
