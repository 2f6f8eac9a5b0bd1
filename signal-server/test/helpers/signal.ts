import { type AccessClaims, signToken } from '@podium/shared/token'
import pino from 'pino'
import { loadSignalConfig } from '../../src/config.ts'
import { createSignalServer, type SignalServer } from '../../src/server.ts'

export const SECRET = 'signal-test-secret-signal-test-secret-00'
export const TURN_SECRET = 'turn-test-secret-0123456789'

export interface TestSignal {
  server: SignalServer
  /** http://127.0.0.1:<port> */
  url: string
  close(): Promise<void>
}

/** A real signal-server on a free port. */
export async function startSignal(env: Record<string, string> = {}): Promise<TestSignal> {
  const config = loadSignalConfig({
    SIGNAL_PORT: '0',
    HOST: '127.0.0.1',
    TOKEN_SECRET: SECRET,
    LOG_LEVEL: 'silent',
    ...env,
  })
  const server = await createSignalServer(config, pino({ level: 'silent' }))
  const url = await server.listen()
  return { server, url, close: () => server.close() }
}

export function accessToken(
  claims: Partial<Omit<AccessClaims, 'typ'>> & Pick<AccessClaims, 'sub' | 'sid' | 'role'>,
  options: { secret?: string; ttlSeconds?: number } = {},
): Promise<string> {
  return signToken(
    options.secret ?? SECRET,
    { typ: 'access', name: null, ...claims },
    options.ttlSeconds ?? 3600,
  )
}
