import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadSignalConfig, SignalConfigError } from '../src/config.ts'

describe('signal-server configuration', () => {
  it('names the variable that is wrong', () => {
    expect(() => loadSignalConfig({ TOKEN_SECRET: 'x'.repeat(32), SIGNAL_PORT: 'eighty' })).toThrow(
      /SIGNAL_PORT="eighty" is not valid: expected a port number/,
    )
    expect(() =>
      loadSignalConfig({ TOKEN_SECRET: 'x'.repeat(32), TURN_URLS: 'http://turn' }),
    ).toThrow(/TURN_URLS/)
  })

  it('needs the shared token secret, from TOKEN_SECRET or the data folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'podium-signal-config-'))
    try {
      expect(() => loadSignalConfig({ DATA_DIR: dir })).toThrow(SignalConfigError)
      expect(() => loadSignalConfig({ DATA_DIR: dir })).toThrow(/TOKEN_SECRET is not set/)
      writeFileSync(join(dir, 'token-secret'), 'from-the-data-folder-from-the-data-folder\n')
      expect(loadSignalConfig({ DATA_DIR: dir }).secret).toBe(
        'from-the-data-folder-from-the-data-folder',
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('reads TURN settings', () => {
    const config = loadSignalConfig({
      TOKEN_SECRET: 'x'.repeat(32),
      TURN_SECRET: 'a-turn-secret-of-length',
      TURN_URLS: 'turn:a:3478, turns:a:5349?transport=tcp',
      TURN_TTL_SECONDS: '120',
    })
    expect(config.turn).toEqual({
      secret: 'a-turn-secret-of-length',
      urls: ['turn:a:3478', 'turns:a:5349?transport=tcp'],
      stunUrls: [],
      ttlSeconds: 120,
    })
    expect(config.port).toBe(9000)
  })
})
