import { get as httpGet, type IncomingMessage } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSession } from '../../test-support/api.ts'
import { type Inbox, startInbox } from '../../test-support/mail.ts'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'
import { acceptedInvite } from './helpers/clients.ts'

// The host's "Notifications sent" stays current: GET /api/sessions/:id/notifications/live
// says `changed` when the session's rows change (queued, then sent), and only to its host.

/** The stream's `changed` versions, gathered as they arrive over node:http (closable). */
async function changes(url: string, token: string) {
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = httpGet(url, { headers: { authorization: `Bearer ${token}` }, agent: false })
    req.on('response', resolve).on('error', reject)
  })
  response.setEncoding('utf8')
  const versions: number[] = []
  let buffer = ''
  response.on('data', (chunk: string) => {
    buffer += chunk
    for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, cut)
      buffer = buffer.slice(cut + 2)
      const data = /^data: (.*)$/m.exec(block)?.[1]
      if (/^event: changed$/m.test(block) && data) versions.push(JSON.parse(data).version)
    }
  })
  return { response, versions, close: () => response.destroy() }
}

describe('the notification log, live', () => {
  let server: TestPodium
  let inbox: Inbox

  beforeAll(async () => {
    inbox = await startInbox()
    server = await startPodium({ SMTP_URL: inbox.url }, { notifications: { pollMs: 50 } })
  })
  afterAll(async () => {
    await server?.close()
    await inbox?.close()
  })

  it('[NL-1] tells the host each time the log changed, and no one else', async () => {
    const session = await createSession(server.url, { title: 'Town hall' })
    const url = `${server.url}/api/sessions/${session.id}/notifications/live`
    const stream = await changes(url, session.hostToken)
    expect(stream.response.statusCode).toBe(200)
    expect(stream.response.headers['content-type']).toContain('text/event-stream')
    const invite = async (email: string) => {
      const created = await request(`${server.url}/api/sessions/${session.id}/invites`, {
        token: session.hostToken,
        body: { role: 'moderator', email },
      })
      expect(created.status).toBe(201)
      await inbox.next(email)
    }
    const statuses = async () => {
      const log = await request<{ notifications: Array<{ status: string }> }>(
        `${server.url}/api/sessions/${session.id}/notifications`,
        { token: session.hostToken },
      )
      return log.body.notifications.map((n) => n.status)
    }
    await invite(`live-1-${Date.now()}@example.org`)
    await expect.poll(statuses).toEqual(['sent'])
    await expect.poll(() => stream.versions.length, { timeout: 10_000 }).toBeGreaterThan(0)
    // Told in order, one version after the other, and nothing while nothing changes.
    await new Promise((r) => setTimeout(r, 3_000))
    const told = stream.versions.length
    expect(stream.versions).toEqual(Array.from({ length: told }, (_, i) => i + 1))
    await new Promise((r) => setTimeout(r, 3_000))
    expect(stream.versions).toHaveLength(told)
    // A second mail is a change again.
    await invite(`live-2-${Date.now()}@example.org`)
    await expect.poll(() => stream.versions.length, { timeout: 10_000 }).toBeGreaterThan(told)
    await expect.poll(statuses).toEqual(['sent', 'sent'])
    stream.close()

    // Moderators and other sessions' hosts are refused, as problem+json.
    const moderator = await acceptedInvite(server.url, session, 'moderator', 'Mo')
    const other = await createSession(server.url)
    for (const token of [moderator.token, other.hostToken]) {
      const refused = await request<{ status: number }>(url, { token })
      expect(refused.status).toBe(403)
      expect(refused.headers.get('content-type')).toContain('application/problem+json')
    }
    expect((await request(url)).status).toBe(401)
  })
})
