import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadSignalConfig, SignalConfigError } from '../src/config.ts'

const DATABASE_URL = 'postgres://podium@postgres:5432/podium'

describe('signal-server configuration', () => {
  it('names the variable that is wrong', () => {
    expect(() =>
      loadSignalConfig({ TOKEN_SECRET: 'x'.repeat(32), DATABASE_URL, SIGNAL_PORT: 'eighty' }),
    ).toThrow(/SIGNAL_PORT="eighty" is not valid: expected a port number/)
    expect(() =>
      loadSignalConfig({ TOKEN_SECRET: 'x'.repeat(32), DATABASE_URL, TURN_URLS: 'http://turn' }),
    ).toThrow(/TURN_URLS/)
    expect(() =>
      loadSignalConfig({ TOKEN_SECRET: 'x'.repeat(32), DATABASE_URL, METRICS_TOKEN: 'short' }),
    ).toThrow(/METRICS_TOKEN="short" is not valid: expected at least 16 characters/)
    expect(() =>
      loadSignalConfig({ TOKEN_SECRET: 'x'.repeat(32), DATABASE_URL, TRUST_PROXY: 'yes' }),
    ).toThrow(/TRUST_PROXY="yes" is not valid: expected true or false/)
  })

  it('reads the SFU (Janus) and names JANUS_URL when it is not a WebSocket URL', () => {
    const base = { TOKEN_SECRET: 'x'.repeat(32), DATABASE_URL }
    expect(loadSignalConfig(base).janus).toBeUndefined()
    expect(
      loadSignalConfig({
        ...base,
        JANUS_URL: 'ws://127.0.0.1:8188',
        JANUS_API_SECRET: 'sfu-secret',
      }).janus,
    ).toEqual({ url: 'ws://127.0.0.1:8188', apiSecret: 'sfu-secret' })
    expect(() => loadSignalConfig({ ...base, JANUS_URL: 'http://janus:8088/janus' })).toThrow(
      /JANUS_URL="http:\/\/janus:8088\/janus" is not valid: expected a ws:\/\/ or wss:\/\/ URL/,
    )
    expect(() => loadSignalConfig({ ...base, JANUS_URL: 'janus' })).toThrow(/JANUS_URL/)
    expect(() =>
      loadSignalConfig({ ...base, JANUS_URL: 'ws://janus:8188', JANUS_API_SECRET: 'short' }),
    ).toThrow(/JANUS_API_SECRET="short" is not valid: expected at least 8 characters/)
  })

  it('reads where to ask about host plans, and names SYNC_SERVER_URL when it is not an http URL', () => {
    const base = { TOKEN_SECRET: 'x'.repeat(32), DATABASE_URL }
    expect(loadSignalConfig(base).syncServerUrl).toBeUndefined()
    expect(
      loadSignalConfig({ ...base, SYNC_SERVER_URL: 'http://sync-server:8080' }).syncServerUrl,
    ).toBe('http://sync-server:8080')
    expect(() => loadSignalConfig({ ...base, SYNC_SERVER_URL: 'ws://sync-server:8080' })).toThrow(
      /SYNC_SERVER_URL="ws:\/\/sync-server:8080" is not valid: expected an http:\/\/ or https:\/\/ URL/,
    )
    expect(() => loadSignalConfig({ ...base, SYNC_SERVER_URL: 'sync-server' })).toThrow(
      /SYNC_SERVER_URL/,
    )
  })

  it('reads the broadcast settings and names a bad one', () => {
    const base = { TOKEN_SECRET: 'x'.repeat(32), DATABASE_URL, DATA_DIR: '/srv/podium' }
    const config = loadSignalConfig(base)
    expect(config.sfuMaxViewers).toBe(100)
    expect(config.broadcast).toEqual({
      dir: '/srv/podium/broadcasts',
      ffmpeg: '/usr/bin/ffmpeg',
      rtpHost: '127.0.0.1',
    })
    const set = loadSignalConfig({
      ...base,
      SFU_MAX_VIEWERS: '0',
      FFMPEG_PATH: '/nowhere/ffmpeg',
      BROADCAST_RTP_ADDRESS: '172.17.0.1',
    })
    expect(set.sfuMaxViewers).toBe(0)
    // An ffmpeg that is not there: no broadcast, rather than a broadcast that fails.
    expect(set.broadcast).toMatchObject({ ffmpeg: null, rtpHost: '172.17.0.1' })
    expect(() => loadSignalConfig({ ...base, SFU_MAX_VIEWERS: 'many' })).toThrow(
      /SFU_MAX_VIEWERS="many" is not valid: expected a whole number of viewers, 0 or more/,
    )
    expect(() => loadSignalConfig({ ...base, FFMPEG_PATH: 'ffmpeg' })).toThrow(
      /FFMPEG_PATH="ffmpeg" is not valid: expected an absolute path to ffmpeg/,
    )
    expect(() => loadSignalConfig({ ...base, BROADCAST_RTP_ADDRESS: 'a b' })).toThrow(
      /BROADCAST_RTP_ADDRESS/,
    )
  })

  it('needs the shared token secret, from TOKEN_SECRET or the data folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'podium-signal-config-'))
    try {
      expect(() => loadSignalConfig({ DATA_DIR: dir, DATABASE_URL })).toThrow(SignalConfigError)
      expect(() => loadSignalConfig({ DATA_DIR: dir, DATABASE_URL })).toThrow(
        /TOKEN_SECRET is not set/,
      )
      writeFileSync(join(dir, 'token-secret'), 'from-the-data-folder-from-the-data-folder\n')
      expect(loadSignalConfig({ DATA_DIR: dir, DATABASE_URL }).secret).toBe(
        'from-the-data-folder-from-the-data-folder',
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('reads TURN settings', () => {
    const config = loadSignalConfig({
      TOKEN_SECRET: 'x'.repeat(32),
      DATABASE_URL,
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

  it("needs the sync-server's database to refuse withdrawn staff, and reads Redis when given", () => {
    expect(() => loadSignalConfig({ TOKEN_SECRET: 'x'.repeat(32) })).toThrow(
      /DATABASE_URL is not set: set it to the sync-server's DATABASE_URL/,
    )
    expect(() =>
      loadSignalConfig({ TOKEN_SECRET: 'x'.repeat(32), DATABASE_URL: 'mysql://db/podium' }),
    ).toThrow(/DATABASE_URL="mysql:\/\/db\/podium" is not valid: expected a postgres:\/\/ URL/)
    expect(() =>
      loadSignalConfig({ TOKEN_SECRET: 'x'.repeat(32), DATABASE_URL, REDIS_URL: 'localhost:6379' }),
    ).toThrow(/REDIS_URL="localhost:6379" is not valid: expected a redis:\/\/ URL/)
    const config = loadSignalConfig({
      TOKEN_SECRET: 'x'.repeat(32),
      DATABASE_URL,
      DATABASE_SCHEMA: 'podium_a',
      REDIS_URL: 'redis://redis:6379',
    })
    expect(config.database).toEqual({ url: DATABASE_URL, schema: 'podium_a' })
    expect(config.redisUrl).toBe('redis://redis:6379')
  })
})
