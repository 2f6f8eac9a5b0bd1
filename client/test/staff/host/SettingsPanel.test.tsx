import { fireEvent, render, screen } from '@solidjs/testing-library'
import { describe, expect, it } from 'vitest'
import { SettingsPanel } from '../../../src/staff/host/SettingsPanel.tsx'
import { StatusPanel } from '../../../src/staff/host/StatusPanel.tsx'
import { createTestRoom } from '../../helpers/room.tsx'

describe('settings and status', () => {
  it('toggles write the public document; a bad length is refused with a message', () => {
    const t = createTestRoom()
    render(() => <SettingsPanel room={t.room} />)
    fireEvent.click(screen.getByLabelText(/Review questions before/))
    fireEvent.click(screen.getByLabelText('Q&A open'))
    fireEvent.click(screen.getByLabelText('Allow anonymous questions'))
    expect(t.room.pub.settings()).toMatchObject({
      preModeration: true,
      qaOpen: false,
      anonymousQuestions: false,
    })
    const length = screen.getByLabelText(/Longest question/)
    fireEvent.change(length, { target: { value: '5' } })
    expect(screen.getByRole('alert').textContent).toMatch(/from 20 to 2000/)
    expect(t.room.pub.settings().maxQuestionLength).toBe(300)
    fireEvent.change(length, { target: { value: '500' } })
    expect(t.room.pub.settings().maxQuestionLength).toBe(500)
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('go live, then end only after confirming', () => {
    const t = createTestRoom()
    t.room.pub.setMeta({ status: 'draft' })
    render(() => <StatusPanel room={t.room} />)
    fireEvent.click(screen.getByRole('button', { name: 'Go live' }))
    expect(t.room.pub.meta().status).toBe('live')
    fireEvent.click(screen.getByRole('button', { name: 'End session…' }))
    fireEvent.click(screen.getByRole('button', { name: 'Keep it live' }))
    expect(t.room.pub.meta().status).toBe('live')
    fireEvent.click(screen.getByRole('button', { name: 'End session…' }))
    fireEvent.click(screen.getByRole('button', { name: 'End session' }))
    expect(t.room.pub.meta().status).toBe('ended')
  })
})
