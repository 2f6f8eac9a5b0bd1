import { RecordingDoc } from '@podium/shared'
import { fireEvent, render, screen } from '@solidjs/testing-library'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { RoomHeader } from '../../../src/room/RoomHeader.tsx'
import {
  formatDuration,
  formatSize,
  RecordingPanel,
} from '../../../src/staff/host/RecordingPanel.tsx'
import { createTestRoom } from '../../helpers/room.tsx'

interface Call {
  method: string
  url: string
}

/** Answers API calls like the server would, and records them. */
function serve(answer: (call: Call) => { status: number; body?: unknown }) {
  const calls: Call[] = []
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    const call = { method: init?.method ?? 'GET', url: String(input) }
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

const ready = {
  id: 'rec-1',
  sessionId: 'session-1',
  status: 'ready',
  startedAt: 1_700_000_000_000,
  stoppedAt: 1_700_000_095_000,
  durationMs: 95_000,
  sizeBytes: 12_400_000,
  error: null,
  url: '/api/sessions/session-1/recordings/rec-1/file?expires=1&signature=x',
}
const failed = {
  ...ready,
  id: 'rec-2',
  status: 'failed',
  durationMs: null,
  sizeBytes: null,
  url: null,
  error: 'janus-pp-rec is not installed on the server, so Extracting the video failed.',
}

describe('the recording panel', () => {
  it('lists recordings with status, length and size, and deletes one only after confirming', async () => {
    let rows = [ready, failed]
    const calls = serve((call) => {
      if (call.method === 'DELETE') {
        rows = rows.filter((r) => !call.url.endsWith(r.id))
        return { status: 204 }
      }
      return { status: 200, body: { recordings: rows, retentionDays: 30 } }
    })
    const t = createTestRoom({ role: 'host' })
    render(() => <RecordingPanel room={t.room} />)
    expect(await screen.findByText('1:35')).toBeTruthy()
    expect(screen.getByText('12.4 MB')).toBeTruthy()
    expect(screen.getByText(/Recordings are deleted after 30 days/)).toBeTruthy()
    expect(screen.getByText(failed.error)).toBeTruthy()
    expect(screen.getByRole('link', { name: 'Download' }).getAttribute('href')).toBe(ready.url)

    fireEvent.click(screen.getAllByRole('button', { name: 'Delete…' })[0] as HTMLElement)
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(calls.filter((c) => c.method === 'DELETE')).toEqual([])
    fireEvent.click(screen.getAllByRole('button', { name: 'Delete…' })[0] as HTMLElement)
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }))
    await vi.waitFor(() => expect(screen.queryByText('1:35')).toBeNull())
    expect(calls.find((c) => c.method === 'DELETE')?.url).toBe(
      '/api/sessions/session-1/recordings/rec-1',
    )
  })

  it('shows why the recording did not start', async () => {
    serve((call) =>
      call.method === 'POST'
        ? {
            status: 409,
            body: {
              type: 'https://podium.dev/problems/conflict',
              title: 'Conflict',
              status: 409,
              detail:
                'Nobody is on the stage through the media server yet: go on stage with your camera first.',
            },
          }
        : { status: 200, body: { recordings: [], retentionDays: 30 } },
    )
    const t = createTestRoom({ role: 'host' })
    render(() => <RecordingPanel room={t.room} />)
    await screen.findByText('No recordings yet.')
    fireEvent.click(screen.getByRole('button', { name: 'Record the stage' }))
    expect((await screen.findByRole('alert')).textContent).toMatch(/go on stage with your camera/)
  })

  it('follows the server’s flag: Stop while recording, and the room header says Recording', async () => {
    serve(() => ({ status: 200, body: { recordings: [], retentionDays: 30 } }))
    const t = createTestRoom({ role: 'host' })
    render(() => <RecordingPanel room={t.room} />)
    t.mount(() => <RoomHeader />)
    expect(screen.queryByText('Recording', { selector: '.recording-badge' })).toBeNull()
    new RecordingDoc(t.pub.doc).set({ on: true, since: 1 })
    expect(await screen.findByRole('button', { name: 'Stop recording' })).toBeTruthy()
    expect(screen.getAllByTestId('recording-badge')).toHaveLength(2)
    new RecordingDoc(t.pub.doc).set({ on: false, since: null })
    await screen.findByRole('button', { name: 'Record the stage' })
    expect(screen.queryAllByTestId('recording-badge')).toHaveLength(0)
  })

  it('writes lengths and sizes as people read them', () => {
    expect(formatDuration(4_400)).toBe('0:04')
    expect(formatDuration(3_725_000)).toBe('1:02:05')
    expect(formatSize(157_000)).toBe('157 kB')
    expect(formatSize(300)).toBe('1 kB')
    expect(formatSize(2_450_000)).toBe('2.5 MB')
  })
})
