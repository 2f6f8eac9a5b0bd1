import { DEFAULT_SETTINGS } from '@podium/shared'
import { fireEvent, render, screen } from '@solidjs/testing-library'
import { describe, expect, it } from 'vitest'
import { browserTimeZone } from '../../../src/components/schedule.ts'
import { SchedulePanel } from '../../../src/staff/host/SchedulePanel.tsx'
import { problem, scriptedServer } from '../../helpers/http.ts'
import { createTestRoom } from '../../helpers/room.tsx'

const info = (schedule: unknown) => ({
  id: 'session-1',
  code: 'ABC123',
  title: 'Town hall',
  status: 'draft',
  settings: DEFAULT_SETTINGS,
  joinUrl: 'https://podium.example/j/ABC123',
  schedule,
})

// The zone list has ~400 options, which jsdom renders slowly on a loaded machine.
describe('start time', { timeout: 20_000 }, () => {
  it('sets it in the browser’s zone by default, shows it, and clears it', async () => {
    const server = scriptedServer({
      'GET /api/sessions/session-1': () => ({ body: info(null) }),
      'PUT /api/sessions/session-1/schedule': ({ body }) => {
        const { startsAt, timeZone } = body as { startsAt: string; timeZone: string }
        return { body: { startsAt: Date.UTC(2030, 2, 29, 8), timeZone, local: startsAt } }
      },
      'DELETE /api/sessions/session-1/schedule': () => ({ status: 204 }),
    })
    const t = createTestRoom({ role: 'host' })
    render(() => <SchedulePanel room={t.room} api={server.api} />)
    await screen.findByText(/No start time yet/)
    const zone = screen.getByLabelText('Time zone') as HTMLSelectElement
    expect(zone.value).toBe(browserTimeZone())
    fireEvent.change(zone, { target: { value: 'Europe/Berlin' } })
    fireEvent.input(screen.getByLabelText('Date and time'), {
      target: { value: '2030-03-29T10:00' },
    })
    fireEvent.click(screen.getByText('Set start time'))
    // Text queries: role queries walk the ~400 zones of the list, slowly in jsdom.
    const saved = await screen.findByText(/^The session starts .*\(Europe\/Berlin\)\.$/)
    expect(saved.getAttribute('role')).toBe('status')
    expect(server.sent.find((s) => s.method === 'PUT')).toMatchObject({
      body: { startsAt: '2030-03-29T10:00', timeZone: 'Europe/Berlin' },
      token: 'token-1',
    })
    expect(screen.getByText(/^Starts .*\(Europe\/Berlin\)\.$/)).toBeTruthy()

    fireEvent.click(screen.getByText('Clear'))
    await screen.findByText('The start time is cleared; no reminders are sent.')
    expect(screen.getByText(/No start time yet/)).toBeTruthy()
    expect(server.sent.some((s) => s.method === 'DELETE')).toBe(true)
  })

  it('shows the schedule the server has, and its refusal of a skipped time in its words', async () => {
    const skipped =
      '2030-03-31 02:30 does not happen in Europe/Berlin: the clocks skip it (daylight saving time starts). Pick a time an hour later.'
    const server = scriptedServer({
      'GET /api/sessions/session-1': () => ({
        body: info({
          startsAt: Date.UTC(2030, 2, 29, 8),
          timeZone: 'Europe/Berlin',
          local: '2030-03-29T10:00',
        }),
      }),
      'PUT /api/sessions/session-1/schedule': () => ({ status: 400, body: problem(400, skipped) }),
    })
    const t = createTestRoom({ role: 'host' })
    render(() => <SchedulePanel room={t.room} api={server.api} />)
    const when = (await screen.findByLabelText('Date and time')) as HTMLInputElement
    await expect.poll(() => when.value).toBe('2030-03-29T10:00')
    expect((screen.getByLabelText('Time zone') as HTMLSelectElement).value).toBe('Europe/Berlin')
    fireEvent.input(when, { target: { value: '2030-03-31T02:30' } })
    fireEvent.click(screen.getByText('Change start time'))
    expect((await screen.findByText(skipped)).getAttribute('role')).toBe('alert')
  })

  it('asks for a date before sending anything', async () => {
    const server = scriptedServer({
      'GET /api/sessions/session-1': () => ({ body: info(null) }),
    })
    const t = createTestRoom({ role: 'host' })
    render(() => <SchedulePanel room={t.room} api={server.api} />)
    await screen.findByText(/No start time yet/)
    fireEvent.click(screen.getByText('Set start time'))
    const alert = await screen.findByText('Choose a date and a time for the start.')
    expect(alert.getAttribute('role')).toBe('alert')
    expect(server.sent.filter((s) => s.method === 'PUT')).toHaveLength(0)
  })
})
