import { Writable } from 'node:stream'
import { redactUrl } from '@podium/shared/log'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { loadSignalConfig } from '../../signal-server/src/config.ts'
import { createSignalServer } from '../../signal-server/src/server.ts'
import { request, startPodium } from '../../test-support/podium.ts'
import { createTestSchema } from '../../test-support/postgres.ts'
import { openDatabase } from '../src/db/connect.ts'
import { signalingOptions } from '../src/signaling/mount.ts'
import { createSession, join } from './helpers/clients.ts'

/** A pino logger whose lines are kept in memory. */
function capturedLogger() {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean))
      done()
    },
  })
  return { logger: pino({ level: 'info' }, stream), text: () => lines.join('\n'), lines }
}

const closers: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

describe('request logs', () => {
  it('keep no token from URLs or headers', async () => {
    const { logger, text, lines } = capturedLogger()
    const podium = await startPodium({ LOG_LEVEL: 'info' }, { logger, ...signalingOptions() })
    closers.push(() => podium.close())
    const { url } = podium
    const session = await createSession(url)
    const attendee = await join(url, session.code, 'Ada')
    const invite = await request<{ invite: string; url: string }>(
      `${url}/api/sessions/${session.id}/invites`,
      { token: session.hostToken, body: { role: 'moderator' } },
    )
    expect(invite.status).toBe(201)

    // The invite link as a browser opens it, PeerJS's id request, an unsubscribe link,
    // and API calls with the token and a cookie in headers.
    await fetch(`${url}${new URL(invite.body.url).pathname}`)
    await fetch(`${url}/peerjs/peerjs/id?ts=123&token=${encodeURIComponent(attendee.token)}`)
    await fetch(`${url}/api/unsubscribe?token=unsubscribe-secret-42&list=all`)
    await fetch(`${url}/api/sessions/${session.id}`, {
      headers: {
        authorization: `Bearer ${session.hostToken}`,
        cookie: 'podium_refresh=refresh-secret-42',
      },
    })
    // Any line that carries headers has its credentials replaced.
    podium.podium.services.log.warn(
      {
        headers: { authorization: `Bearer ${attendee.token}`, cookie: 'a=cookie-secret-42' },
        req: { headers: { authorization: `Bearer ${attendee.token}` } },
      },
      'a line with headers',
    )

    const logged = text()
    const requests = lines.filter((line) => line.includes('incoming request'))
    expect(requests.length).toBeGreaterThanOrEqual(4)
    for (const secret of [
      invite.body.invite,
      attendee.token,
      session.hostToken,
      'unsubscribe-secret-42',
      'refresh-secret-42',
      'cookie-secret-42',
    ]) {
      expect(logged).not.toContain(secret)
    }
    expect(logged).toContain('"url":"/i/[redacted]"')
    expect(logged).toContain('/peerjs/peerjs/id?ts=123&token=[redacted]')
    expect(logged).toContain('/api/unsubscribe?token=[redacted]&list=all')
    expect(logged).toContain('"authorization":"[redacted]"')
  })

  it('of signal-server on its own keep no token either', async () => {
    const { logger, text } = capturedLogger()
    // On its own, signal-server reads standing from the sync-server's Postgres.
    const schema = await createTestSchema()
    const db = await openDatabase({ kind: 'postgres', url: schema.url, schema: schema.schema })
    closers.push(async () => {
      await db.close()
      await schema.drop()
    })
    const config = loadSignalConfig({
      SIGNAL_PORT: '0',
      HOST: '127.0.0.1',
      TOKEN_SECRET: 'signal-test-secret-signal-test-secret-00',
      DATABASE_URL: schema.url,
      DATABASE_SCHEMA: schema.schema,
    })
    const server = await createSignalServer(config, logger)
    closers.push(() => server.close())
    const base = await server.listen()
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNlY3JldA'
    await fetch(`${base}/peerjs/peerjs/id?token=${token}`)
    await fetch(`${base}/api/ice-servers`, { headers: { authorization: `Bearer ${token}` } })
    expect(text()).toContain('incoming request')
    expect(text()).not.toContain('c2lnbmF0dXJlLXNlY3JldA')
  })
})

describe('redactUrl', () => {
  it('replaces credentials in paths and queries, and keeps the rest', () => {
    expect(redactUrl('/i/eyJabc.def.ghi')).toBe('/i/[redacted]')
    expect(redactUrl('/i/opaque-invite/extra?x=1')).toBe('/i/[redacted]/extra?x=1')
    expect(redactUrl('/signal?token=abc&room=r')).toBe('/signal?token=[redacted]&room=r')
    expect(redactUrl('/cb?Code=abc&state=s')).toBe('/cb?Code=[redacted]&state=[redacted]')
    expect(redactUrl('/x/eyJhbGciOi.eyJzdWIi.sig/y?q=eyJa.eyJb.c')).toBe(
      '/x/[redacted]/y?q=[redacted]',
    )
    expect(redactUrl('/j/ABC123?name=Ada')).toBe('/j/ABC123?name=Ada')
    expect(redactUrl('/api/sessions/s1')).toBe('/api/sessions/s1')
  })
})
