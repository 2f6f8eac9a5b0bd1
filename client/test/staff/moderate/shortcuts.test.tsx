import { fireEvent, render, screen, within } from '@solidjs/testing-library'
import { describe, expect, it } from 'vitest'
import { ModerationView, QUEUED_SPOTLIGHT } from '../../../src/staff/moderate/ModerationView.tsx'
import { createTestRoom } from '../../helpers/room.tsx'

const press = (key: string, target: Element = document.body) => fireEvent.keyDown(target, { key })
const selected = () => document.querySelector('.item.selected')

describe('keyboard shortcuts', () => {
  it('j/k move the selection over queue and questions; a approves; p, s, d, h act on questions', () => {
    const t = createTestRoom({ now: 100 })
    const pending = t.addPending({ text: 'Queued' })
    const q = t.addQuestion({ text: 'Listed' })
    render(() => <ModerationView room={t.room} />)
    fireEvent.click(screen.getByRole('button', { name: /^All/ }))

    press('j')
    expect(selected()?.textContent).toContain('Queued')
    expect(document.activeElement).toBe(selected())
    press('a')
    expect(t.room.mod.pending(pending.id)?.decision).toMatchObject({
      action: 'approve',
      by: 'mod-1',
    })
    // The selection moves on to the next row, and focus with it.
    expect(selected()?.textContent).toContain('Listed')
    expect(document.activeElement).toBe(selected())
    press('p')
    expect(t.room.pub.question(q.id)).toMatchObject({ pinned: true, pinnedAt: 100 })
    press('s')
    expect(t.room.pub.stage().spotlightQuestionId).toBe(q.id)
    press('d')
    expect(t.room.pub.question(q.id)?.answered).toBe(true)
    press('h')
    expect(t.room.pub.question(q.id)?.status).toBe('hidden')
    expect(t.room.pub.stage().spotlightQuestionId).toBeNull()
    press('h')
    expect(t.room.pub.question(q.id)?.status).toBe('published')
    press('d')
    press('p')
    expect(t.room.pub.question(q.id)).toMatchObject({ answered: false, pinned: false })

    press('k')
    expect(selected()?.textContent).toContain('Queued')
    press('k')
    expect(selected()?.textContent).toContain('Queued')
  })

  it('a question shortcut on a queue item says what to do instead of acting', () => {
    const t = createTestRoom()
    t.addPending({ text: 'Queued' })
    render(() => <ModerationView room={t.room} />)
    press('j')
    press('p')
    expect(document.querySelector('.st-notice')?.textContent).toMatch(/Select a question first/)
  })

  it('r opens the reject form with the reason field focused', async () => {
    const t = createTestRoom()
    const item = t.addPending({ text: 'Queued' })
    render(() => <ModerationView room={t.room} />)
    press('j')
    press('r')
    const reason = screen.getByLabelText(/Reason for the author/) as HTMLInputElement
    await Promise.resolve()
    expect(document.activeElement).toBe(reason)
    // Typing in the field is text, not shortcuts.
    press('a', reason)
    expect(t.room.mod.pending(item.id)?.decision).toBeNull()
    fireEvent.input(reason, { target: { value: 'Duplicate' } })
    fireEvent.submit(reason.closest('form') as HTMLFormElement)
    expect(t.room.mod.pending(item.id)?.decision).toMatchObject({
      action: 'reject',
      reason: 'Duplicate',
    })
  })

  it('Escape closes the reject form and gives focus back to the card', async () => {
    const t = createTestRoom()
    const item = t.addPending({ text: 'Queued' })
    render(() => <ModerationView room={t.room} />)
    press('j')
    press('r')
    const reason = screen.getByLabelText(/Reason for the author/)
    fireEvent.keyDown(reason, { key: 'Escape' })
    await Promise.resolve()
    expect(screen.queryByLabelText(/Reason for the author/)).toBeNull()
    expect(document.activeElement).toBe(selected())
    press('a')
    expect(t.room.mod.pending(item.id)?.decision).toMatchObject({ action: 'approve' })
  })

  it('? shows the list and Escape closes it; shortcuts pause while it is open', () => {
    const t = createTestRoom()
    const item = t.addPending({ text: 'Queued' })
    render(() => <ModerationView room={t.room} />)
    press('j')
    press('?')
    const dialog = screen.getByRole('dialog', { name: 'Keyboard shortcuts' })
    expect(dialog.textContent).toContain('Approve the selected queue item')
    press('a', dialog)
    expect(t.room.mod.pending(item.id)?.decision).toBeNull()
    press('Escape', dialog)
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('ignores keys with modifiers and keys typed into the search field', () => {
    const t = createTestRoom()
    const q = t.addQuestion({ text: 'Listed' })
    render(() => <ModerationView room={t.room} />)
    press('j')
    fireEvent.keyDown(document.body, { key: 'p', ctrlKey: true })
    press('p', screen.getByLabelText('Search'))
    expect(t.room.pub.question(q.id)?.pinned).toBe(false)
  })

  it('after approving or rejecting, selects and focuses the next item, as mail clients do', async () => {
    const t = createTestRoom()
    const first = t.addPending({ text: 'First in the queue' })
    const second = t.addPending({ text: 'Second in the queue' })
    t.addPending({ text: 'Third in the queue' })
    render(() => <ModerationView room={t.room} />)
    press('j')
    press('a')
    expect(t.room.mod.pending(first.id)?.decision?.action).toBe('approve')
    expect(selected()?.textContent).toContain('Second in the queue')
    expect(document.activeElement).toBe(selected())

    press('r')
    const reason = screen.getByLabelText(/Reason for the author/)
    await Promise.resolve()
    fireEvent.input(reason, { target: { value: 'Asked before' } })
    fireEvent.submit(reason.closest('form') as HTMLFormElement)
    await Promise.resolve()
    expect(t.room.mod.pending(second.id)?.decision?.action).toBe('reject')
    expect(selected()?.textContent).toContain('Third in the queue')
    expect(document.activeElement).toBe(selected())

    // The server carries out the first decision: focus stays where it is.
    t.room.mod.dequeue(first.id)
    expect(document.activeElement).toBe(selected())

    // The last one decided: the selection goes back to the nearest row still undecided;
    // with none left, focus goes to the queue, never to the page.
    press('a')
    expect(selected()).toBeNull()
    expect(document.activeElement).toBe(document.querySelector('.panel.queue'))
  })

  it('approving with the button moves on the same way', () => {
    const t = createTestRoom()
    t.addPending({ text: 'First in the queue' })
    t.addPending({ text: 'Second in the queue' })
    render(() => <ModerationView room={t.room} />)
    const first = document.querySelector('.item-pending') as HTMLElement
    fireEvent.click(within(first).getByRole('button', { name: 'Approve' }))
    expect(selected()?.textContent).toContain('Second in the queue')
    expect(document.activeElement).toBe(selected())
  })

  it('s on a queued question says it must be approved first, and the help says so too', () => {
    const t = createTestRoom()
    const item = t.addPending({ text: 'Queued' })
    render(() => <ModerationView room={t.room} />)
    press('j')
    press('s')
    expect(document.querySelector('.st-notice')?.textContent).toBe(QUEUED_SPOTLIGHT)
    expect(t.room.pub.stage().spotlightQuestionId).toBeNull()
    expect(t.room.mod.pending(item.id)?.decision).toBeNull()
    press('?')
    expect(screen.getByRole('dialog').textContent).toMatch(
      /on screen, or take it off \(a queued question must be approved first/,
    )
  })
})
