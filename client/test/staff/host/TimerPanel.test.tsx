import { fireEvent, render, screen } from '@solidjs/testing-library'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { TimerPanel } from '../../../src/staff/host/TimerPanel.tsx'
import { createTestRoom } from '../../helpers/room.tsx'

const shown = () => screen.getByRole('timer').textContent

describe('timer', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('shows the time left from the server-stamped timer, on the server clock', () => {
    const t = createTestRoom({ now: 1_000_000 })
    // The server started a 5-minute timer 30 s ago (by its clock).
    t.room.pub.setStage({
      timer: { durationMs: 300_000, state: 'running', startedAt: 970_000, elapsedMs: 0 },
    })
    render(() => <TimerPanel room={t.room} />)
    expect(shown()).toBe('4:30')
    expect(screen.getByText('Running')).toBeTruthy()

    t.setNow(1_010_500)
    vi.advanceTimersByTime(250)
    expect(shown()).toBe('4:20')

    // Paused: the elapsed time the server wrote, whatever the clock says.
    t.room.pub.setStage({
      timer: { durationMs: 300_000, state: 'paused', startedAt: null, elapsedMs: 100_000 },
    })
    t.setNow(2_000_000)
    vi.advanceTimersByTime(250)
    expect(shown()).toBe('3:20')
    expect(screen.getByText('Paused')).toBeTruthy()

    t.room.pub.setStage({
      timer: { durationMs: 60_000, state: 'running', startedAt: 1_000_000, elapsedMs: 0 },
    })
    expect(shown()).toBe('0:00')
    expect(screen.getByText("Time's up")).toBeTruthy()
  })

  it('start, pause and reset ask the server, with the typed duration', () => {
    const t = createTestRoom()
    render(() => <TimerPanel room={t.room} />)
    fireEvent.input(screen.getByLabelText('Duration (minutes)'), { target: { value: '3' } })
    fireEvent.click(screen.getByRole('button', { name: 'Start' }))
    expect(t.room.pub.pendingTimerCommand()).toMatchObject({
      action: 'start',
      durationMs: 180_000,
    })
    // Who asked is the connection's to say (the server records it), not the command's.
    expect(t.room.pub.pendingTimerCommand()?.by).toBeUndefined()
    expect(screen.getByText(/Waiting for the server/)).toBeTruthy()

    // The server applies it.
    t.room.pub.doc.transact(() => {
      t.room.pub.clearTimerCommand()
      t.room.pub.setStage({
        timer: {
          durationMs: 180_000,
          state: 'running',
          startedAt: t.room.serverNow(),
          elapsedMs: 0,
        },
      })
    })
    expect(screen.queryByText(/Waiting for the server/)).toBeNull()
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }))
    expect(t.room.pub.pendingTimerCommand()).toMatchObject({ action: 'pause' })

    const field = screen.getByLabelText('Duration (minutes)')
    fireEvent.input(field, { target: { value: '-5' } })
    // (A browser stops this at its own min check; the panel checks as well.)
    fireEvent.submit(field.closest('form') as HTMLFormElement)
    expect(screen.getByRole('alert').textContent).toMatch(/minutes/)
    fireEvent.input(screen.getByLabelText('Duration (minutes)'), { target: { value: '10' } })
    fireEvent.click(screen.getByRole('button', { name: 'Reset' }))
    expect(t.room.pub.pendingTimerCommand()).toMatchObject({ action: 'reset', durationMs: 600_000 })
  })
})
