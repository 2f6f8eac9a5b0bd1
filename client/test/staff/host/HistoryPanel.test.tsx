import { fireEvent, render, screen } from '@solidjs/testing-library'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { loadIdentity } from '../../../src/lib/identity.ts'
import { ExportPanel } from '../../../src/staff/host/ExportPanel.tsx'
import { HistoryPanel } from '../../../src/staff/host/HistoryPanel.tsx'
import { createTestRoom } from '../../helpers/room.tsx'

interface Call {
  method: string
  url: string
  body: string | null
  auth: string | null
}

/** Answers API calls like the server would, and records them. */
function serve(answer: (call: Call) => { status: number; body?: unknown }) {
  const calls: Call[] = []
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    const call = {
      method: init?.method ?? 'GET',
      url: String(input),
      body: typeof init?.body === 'string' ? init.body : null,
      auth: new Headers(init?.headers).get('authorization'),
    }
    calls.push(call)
    const { status, body } = answer(call)
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: {
        'content-type': status >= 400 ? 'application/problem+json' : 'application/json',
      },
    })
  })
  return calls
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('checkpoints', () => {
  it('lists checkpoints and restores one only after confirming', async () => {
    const calls = serve((call) =>
      call.method === 'POST'
        ? {
            status: 200,
            body: {
              restored: 'cp-1',
              before: { id: 'cp-9', reason: 'before-restore', createdAt: 3 },
            },
          }
        : {
            status: 200,
            body: [
              { id: 'cp-1', reason: 'status', createdAt: 1_000 },
              { id: 'cp-2', reason: 'manual', createdAt: 2_000 },
            ],
          },
    )
    const t = createTestRoom({ role: 'host' })
    render(() => <HistoryPanel room={t.room} />)
    expect(await screen.findByText('When the session status changed')).toBeTruthy()
    expect(screen.getByText('Saved by hand')).toBeTruthy()
    expect(calls[0]).toMatchObject({
      method: 'GET',
      url: '/api/sessions/session-1/checkpoints',
      auth: 'Bearer token-1',
    })

    const [, older] = screen.getAllByRole('button', { name: 'Restore…' })
    fireEvent.click(older as HTMLElement)
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(calls.filter((c) => c.method === 'POST')).toEqual([])
    fireEvent.click(screen.getAllByRole('button', { name: 'Restore…' })[1] as HTMLElement)
    fireEvent.click(screen.getByRole('button', { name: 'Restore' }))
    await screen.findByText(/^Restored the session to/)
    expect(calls.find((c) => c.method === 'POST')).toEqual({
      method: 'POST',
      url: '/api/sessions/session-1/checkpoints/cp-1/restore',
      body: null,
      auth: 'Bearer token-1',
    })
  })

  it('says why the list is missing when the server cannot be reached', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch')
    })
    const t = createTestRoom({ role: 'host' })
    render(() => <HistoryPanel room={t.room} />)
    expect((await screen.findByRole('alert', {}, { timeout: 10_000 })).textContent).toMatch(
      /Could not reach the Podium server/,
    )
  }, 15_000)
})

describe('import', () => {
  it('imports an export as a new session and keeps its host identity on this device', async () => {
    const calls = serve(() => ({
      status: 201,
      body: {
        id: 'new-session',
        code: 'XYZ789',
        hostToken: 'host-token',
        hostUserId: 'host-user',
        joinUrl: 'http://x/j/XYZ789',
      },
    }))
    const t = createTestRoom({ role: 'host', name: 'Hana' })
    render(() => <ExportPanel room={t.room} />)
    const input = screen.getByLabelText(/Import a JSON export/) as HTMLInputElement
    const file = new File([JSON.stringify({ version: 1, session: { title: 'Old' } })], 'old.json', {
      type: 'application/json',
    })
    Object.defineProperty(input, 'files', { value: [file] })
    fireEvent.click(screen.getByRole('button', { name: 'Import' }))
    expect(await screen.findByText(/Imported as a new session \(code XYZ789\)/)).toBeTruthy()
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/sessions/import', auth: null })
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual({ version: 1, session: { title: 'Old' } })
    expect(loadIdentity('new-session')).toEqual({
      sessionId: 'new-session',
      userId: 'host-user',
      token: 'host-token',
      role: 'host',
      name: 'Hana',
    })
    expect(screen.getByRole('link', { name: 'Open its host console' }).getAttribute('href')).toBe(
      '/s/new-session/host',
    )
  })

  it('refuses a file that is not JSON before sending anything', async () => {
    const calls = serve(() => ({ status: 500 }))
    const t = createTestRoom({ role: 'host' })
    render(() => <ExportPanel room={t.room} />)
    const input = screen.getByLabelText(/Import a JSON export/) as HTMLInputElement
    Object.defineProperty(input, 'files', { value: [new File(['not json'], 'x.json')] })
    fireEvent.click(screen.getByRole('button', { name: 'Import' }))
    expect((await screen.findByRole('alert')).textContent).toBe(
      'That file is not a Podium JSON export.',
    )
    expect(calls).toEqual([])
  })
})
