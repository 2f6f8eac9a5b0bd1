import { render, screen } from '@solidjs/testing-library'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ProjectorView } from '../../../src/staff/present/ProjectorView.tsx'
import { createTestRoom } from '../../helpers/room.tsx'

describe('projector view', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('shows the spotlight, the top open questions, the timer and how to join', async () => {
    const t = createTestRoom({ now: 50_000 })
    const spot = t.addQuestion({ text: 'On the big screen', votes: 3, authorName: 'Ada' })
    t.addQuestion({ text: 'Second most popular', votes: 7 })
    t.addQuestion({ text: 'Already answered', votes: 99, answered: true })
    t.addQuestion({ text: 'Hidden one', votes: 50, status: 'hidden' })
    t.room.pub.setStage({
      spotlightQuestionId: spot.id,
      timer: { durationMs: 120_000, state: 'running', startedAt: 20_000, elapsedMs: 0 },
    })
    render(() => <ProjectorView source={t.room} origin="https://podium.example" />)

    expect(screen.getByRole('figure').textContent).toContain('On the big screen')
    expect(screen.getByRole('figure').textContent).toContain('Ada · 3 votes')
    const top = screen.getByRole('list')
    expect(top.textContent).toContain('Second most popular')
    expect(top.textContent).not.toContain('On the big screen')
    expect(top.textContent).not.toContain('Already answered')
    expect(top.textContent).not.toContain('Hidden one')
    expect(screen.getByRole('timer').textContent).toBe('1:30')
    t.setNow(80_000)
    vi.advanceTimersByTime(250)
    expect(screen.getByRole('timer').textContent).toBe('1:00')

    expect(screen.getByText('ABC234')).toBeTruthy()
    const qr = (await screen.findByAltText(
      'QR code for https://podium.example/j/ABC234',
    )) as HTMLImageElement
    expect(qr.src.startsWith('data:image/svg+xml')).toBe(true)
    expect(decodeURIComponent(qr.src)).toContain('<svg')
  })

  it('hides the timer when none is set and invites questions when there are none', () => {
    const t = createTestRoom()
    render(() => <ProjectorView source={t.room} origin="https://podium.example" />)
    expect(screen.queryByRole('timer')).toBeNull()
    expect(screen.getByText(/Ask your questions/)).toBeTruthy()
  })

  it('puts what people typed on screen as text only', () => {
    const t = createTestRoom()
    const q = t.addQuestion({ text: '<script>alert(1)</script><b>bold</b>' })
    t.room.pub.setStage({ spotlightQuestionId: q.id })
    const { container } = render(() => <ProjectorView source={t.room} />)
    expect(container.querySelector('script, b')).toBeNull()
    expect(screen.getByText('<script>alert(1)</script><b>bold</b>')).toBeTruthy()
  })

  it('shows one join address that works as typed, and the code', () => {
    const t = createTestRoom()
    const { container } = render(() => (
      <ProjectorView source={t.room} origin="https://podium.example" />
    ))
    const join = container.querySelector('.projector-join')!
    expect(join.querySelector('.projector-address')?.textContent).toBe('podium.example/j/ABC234')
    expect(join.textContent).toContain('Join at podium.example/j/ABC234')
    expect(join.querySelector('.projector-code')?.textContent).toBe('ABC234')
  })

  it('once the session has ended, says so: no timer, spotlight or way to join', () => {
    const t = createTestRoom({ now: 50_000 })
    const spot = t.addQuestion({ text: 'Still on screen?', votes: 3 })
    t.addQuestion({ text: 'Another one', votes: 2 })
    t.room.pub.setStage({
      spotlightQuestionId: spot.id,
      timer: { durationMs: 120_000, state: 'running', startedAt: 20_000, elapsedMs: 0 },
    })
    const { container } = render(() => (
      <ProjectorView source={t.room} origin="https://podium.example" />
    ))
    expect(screen.getByRole('timer')).toBeTruthy()
    t.room.pub.setMeta({ status: 'ended' })
    expect(screen.getByRole('heading', { name: 'This session has ended' })).toBeTruthy()
    expect(screen.queryByRole('timer')).toBeNull()
    expect(screen.queryByRole('figure')).toBeNull()
    expect(screen.queryByRole('list')).toBeNull()
    expect(container.textContent).not.toContain('Join at')
    expect(container.textContent).not.toContain('Still on screen?')
    expect(container.textContent).toContain('Town hall')
  })

  it('lays out what people typed in its own direction', () => {
    const t = createTestRoom()
    const rtl = t.addQuestion({ text: 'متى يبدأ المؤتمر؟', votes: 5, authorName: 'ليلى' })
    t.addQuestion({ text: 'שאלה נוספת?', votes: 1 })
    t.room.pub.setStage({ spotlightQuestionId: rtl.id })
    const { container } = render(() => <ProjectorView source={t.room} />)
    const spoken = screen.getByText('متى يبدأ المؤتمر؟')
    expect(spoken.getAttribute('dir')).toBe('auto')
    expect(screen.getByText('שאלה נוספת?').getAttribute('dir')).toBe('auto')
    expect(screen.getByText('ليلى').getAttribute('dir')).toBe('auto')
    expect(container.querySelector('.projector-title')?.getAttribute('dir')).toBe('auto')
  })
})
