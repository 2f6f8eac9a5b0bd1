import { ALERT_DEFAULTS, type AlertSettings } from '@podium/shared'
import { fireEvent, render, screen } from '@solidjs/testing-library'
import { describe, expect, it } from 'vitest'
import { AlertRules } from '../../src/analytics/AlertRules.tsx'
import { problem, scriptedServer } from '../helpers/http.ts'

const PATH = '/api/sessions/session-1/analytics/alerts'

describe('AlertRules', () => {
  it('shows the session’s rules, saves a changed threshold and a rule turned off', async () => {
    let stored: AlertSettings = { ...ALERT_DEFAULTS, queueAgeMinutes: 8 }
    const server = scriptedServer({
      [`GET ${PATH}`]: () => ({ body: { settings: stored, defaults: ALERT_DEFAULTS } }),
      [`PUT ${PATH}`]: (req) => {
        stored = { ...stored, ...(req.body as Partial<AlertSettings>) }
        return { body: { settings: stored, defaults: ALERT_DEFAULTS } }
      },
    })
    render(() => <AlertRules sessionId="session-1" token={() => 'host-token'} api={server.api} />)
    const age = await screen.findByLabelText('oldest question waiting (minutes)')
    expect((age as HTMLInputElement).value).toBe('8')
    expect(age.parentElement?.textContent).toContain('default 5')
    fireEvent.input(age, { target: { value: '12' } })
    const video = screen.getByRole('checkbox', { name: 'Video is poor for many viewers' })
    expect((video as HTMLInputElement).checked).toBe(true)
    fireEvent.click(video)
    expect(
      (screen.getByLabelText('more than (% of quality reports)') as HTMLInputElement).disabled,
    ).toBe(true)
    fireEvent.click(screen.getByRole('button', { name: 'Save alert rules' }))
    await screen.findByText('Alert rules saved; they apply now.')
    const put = server.sent.find((s) => s.method === 'PUT')
    expect(put).toMatchObject({ token: 'host-token' })
    expect(put?.body).toMatchObject({ queueAgeMinutes: 12, off: ['poor-video'] })
  })

  it('says what the server refuses, in its words', async () => {
    const server = scriptedServer({
      [`GET ${PATH}`]: () => ({ body: { settings: ALERT_DEFAULTS, defaults: ALERT_DEFAULTS } }),
      [`PUT ${PATH}`]: () => ({
        status: 400,
        body: problem(
          400,
          'The alert settings is not valid: queueAgeMinutes: queueAgeMinutes must be a whole number from 1 to 240',
        ),
      }),
    })
    render(() => <AlertRules sessionId="session-1" token={() => 'host-token'} api={server.api} />)
    const age = await screen.findByLabelText('oldest question waiting (minutes)')
    fireEvent.input(age, { target: { value: '12' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save alert rules' }))
    expect((await screen.findByRole('alert')).textContent).toMatch(/from 1 to 240/)
  })
})
