import type { SessionNotification } from '@podium/shared'
import { fireEvent, render, screen, within } from '@solidjs/testing-library'
import { describe, expect, it } from 'vitest'
import { NotificationLogPanel } from '../../../src/staff/host/NotificationLogPanel.tsx'
import { streamed } from '../../helpers/analytics.ts'
import { problem, scriptedServer } from '../../helpers/http.ts'
import { createTestRoom } from '../../helpers/room.tsx'

const row = (id: string, over: Partial<SessionNotification>): SessionNotification => ({
  id,
  kind: 'invite',
  channel: 'email',
  to: 'a…@example.org',
  status: 'sent',
  attempts: 1,
  lastError: null,
  createdAt: Date.UTC(2030, 0, 1, 9),
  sentAt: Date.UTC(2030, 0, 1, 9, 1),
  nextAttemptAt: null,
  ...over,
})

describe('notifications sent', () => {
  it('lists what was sent, failed and died, and retries a failed or dead one', async () => {
    const rows = [
      row('n-1', {}),
      row('n-2', {
        kind: 'reminder',
        status: 'failed',
        attempts: 2,
        lastError: '451 Try again later',
        sentAt: null,
        nextAttemptAt: Date.UTC(2030, 0, 1, 10),
      }),
      row('n-3', {
        to: 'b…@example.org',
        status: 'dead',
        attempts: 1,
        lastError: '550 No such mailbox here',
        sentAt: null,
      }),
    ]
    const server = scriptedServer({
      'GET /api/sessions/session-1/notifications': () => ({ body: { notifications: rows } }),
      'POST /api/sessions/session-1/notifications/n-3/retry': () => {
        Object.assign(rows[2]!, { status: 'queued', lastError: null })
        return { body: { id: 'n-3', status: 'queued' } }
      },
      'POST /api/sessions/session-1/notifications/n-2/retry': () => ({
        status: 409,
        body: problem(
          409,
          'This notification is sent; only a failed or dead one can be tried again.',
        ),
      }),
    })
    const t = createTestRoom({ role: 'host' })
    render(() => <NotificationLogPanel room={t.room} api={server.api} />)
    const items = async () => {
      await screen.findByText('Gave up')
      return [...document.querySelectorAll<HTMLElement>('.log-list li')]
    }
    const [sent, failed, dead] = await items()
    expect(sent!.textContent).toMatch(/Invitation · E-mail to a…@example\.org\s*Sent/)
    expect(within(sent!).queryByRole('button')).toBeNull()
    expect(failed!.textContent).toContain('Failed, will retry')
    expect(failed!.textContent).toContain('451 Try again later')
    expect(failed!.textContent).toContain('2 attempts')
    expect(dead!.textContent).toContain('550 No such mailbox here')

    fireEvent.click(screen.getByRole('button', { name: 'Retry the invitation to b…@example.org' }))
    await screen.findByText('The invitation to b…@example.org is queued again.')
    expect(server.sent.find((s) => s.method === 'POST')?.token).toBe('token-1')
    await expect
      .poll(() => document.querySelectorAll('.log-list li')[2]?.textContent)
      .toContain('Waiting')

    // The server's refusal, in its words.
    fireEvent.click(screen.getByRole('button', { name: 'Retry the reminder to a…@example.org' }))
    expect((await screen.findByRole('alert')).textContent).toBe(
      'This notification is sent; only a failed or dead one can be tried again.',
    )
  })

  it('says when nothing was sent, and when the log cannot be read', async () => {
    const empty = scriptedServer({
      'GET /api/sessions/session-1/notifications': () => ({ body: { notifications: [] } }),
    })
    const t = createTestRoom({ role: 'host' })
    const first = render(() => <NotificationLogPanel room={t.room} api={empty.api} />)
    await screen.findByText(/Nothing sent yet/)
    first.unmount()
    const refused = scriptedServer({
      'GET /api/sessions/session-1/notifications': () => ({
        status: 403,
        body: problem(403, 'This needs the role host; your token has the role presenter.'),
      }),
    })
    render(() => <NotificationLogPanel room={t.room} api={refused.api} />)
    expect((await screen.findByRole('alert')).textContent).toBe(
      'This needs the role host; your token has the role presenter.',
    )
  })
})

describe('notifications sent, live', () => {
  it('reads the log again each time the server says it changed, with no reload', async () => {
    const rows = [row('n-1', { status: 'queued', attempts: 0, sentAt: null })]
    const server = scriptedServer({
      'GET /api/sessions/session-1/notifications': () => ({
        body: { notifications: rows.map((r) => ({ ...r })) },
      }),
    })
    const stream = streamed()
    const asked: Array<{ url: string; auth: string | null }> = []
    const liveFetch: typeof fetch = async (input, init) => {
      asked.push({
        url: String(input),
        auth: new Headers(init?.headers).get('authorization'),
      })
      return new Response(stream.body, { headers: { 'content-type': 'text/event-stream' } })
    }
    const t = createTestRoom({ role: 'host' })
    render(() => <NotificationLogPanel room={t.room} api={server.api} fetch={liveFetch} />)
    await screen.findByText('Waiting')
    await screen.findByText('Updates as messages go out.')
    expect(asked).toEqual([
      { url: '/api/sessions/session-1/notifications/live', auth: 'Bearer token-1' },
    ])
    const reads = () => server.sent.filter((s) => s.method === 'GET').length
    const before = reads()
    // The mail leaves: the server says so, and the row reads Sent without a reload.
    Object.assign(rows[0]!, { status: 'sent', attempts: 1, sentAt: Date.UTC(2030, 0, 1, 9, 2) })
    stream.send('event: changed\ndata: {"version":1}\n\n')
    await screen.findByText('Sent')
    expect(reads()).toBe(before + 1)
    // A new message shows up the same way.
    rows.unshift(row('n-2', { kind: 'alert', status: 'queued', attempts: 0, sentAt: null }))
    stream.send(': still here\n\nevent: changed\ndata: {"version":2}\n\n')
    await screen.findByText('Analytics alert')
    expect(reads()).toBe(before + 2)
  })

  it('says when updates pause, and reads the log again once the stream is back', async () => {
    const server = scriptedServer({
      'GET /api/sessions/session-1/notifications': () => ({ body: { notifications: [] } }),
    })
    let calls = 0
    const streams: Array<ReturnType<typeof streamed>> = []
    const liveFetch: typeof fetch = async () => {
      calls++
      if (calls === 1) throw new TypeError('network down')
      const s = streamed()
      streams.push(s)
      return new Response(s.body, { headers: { 'content-type': 'text/event-stream' } })
    }
    const t = createTestRoom({ role: 'host' })
    render(() => <NotificationLogPanel room={t.room} api={server.api} fetch={liveFetch} />)
    await screen.findByText('Updates paused; reconnecting…')
    await screen.findByText('Updates as messages go out.', {}, { timeout: 3_000 })
    const reads = server.sent.filter((s) => s.method === 'GET').length
    // A stream that ends is opened again, and the log read again (changes may have come).
    streams[0]!.end()
    await expect
      .poll(() => server.sent.filter((s) => s.method === 'GET').length, { timeout: 5_000 })
      .toBeGreaterThan(reads)
  })
})
