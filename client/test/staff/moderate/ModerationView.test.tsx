import { newPoll, PublicPolls } from '@podium/shared'
import { fireEvent, render, screen, within } from '@solidjs/testing-library'
import { describe, expect, it } from 'vitest'
import { ModerationView } from '../../../src/staff/moderate/ModerationView.tsx'
import { createTestRoom } from '../../helpers/room.tsx'

/** The card (queue item or question) showing `text`; the spotlight panel may show it too. */
const queueItem = (text: string) => {
  const card = screen
    .getAllByText(text)
    .map((el) => el.closest('article'))
    .find((el) => el !== null)
  if (!card) throw new Error(`no card shows ${text}`)
  return card
}

describe('the review queue', () => {
  it('approve, reject with a reason, and edit write the right decision into the mod doc', async () => {
    const t = createTestRoom({ now: 42 })
    const keep = t.addPending({ text: 'Keep me' })
    const drop = t.addPending({ text: 'Drop me', createdAt: 43 })
    const fix = t.addPending({ text: 'Fix me', createdAt: 44 })
    render(() => <ModerationView room={t.room} />)

    fireEvent.click(within(queueItem('Keep me')).getByRole('button', { name: 'Approve' }))
    expect(t.room.mod.pending(keep.id)?.decision).toEqual({
      action: 'approve',
      by: 'mod-1',
      byName: 'Mia',
      at: 42,
    })
    expect(within(queueItem('Keep me')).getByText(/waiting for the server/)).toBeTruthy()

    const dropCard = queueItem('Drop me')
    fireEvent.click(within(dropCard).getByRole('button', { name: 'Reject…' }))
    const reason = within(dropCard).getByLabelText(/Reason for the author/)
    fireEvent.input(reason, { target: { value: 'Please keep it on topic' } })
    fireEvent.click(within(dropCard).getByRole('button', { name: 'Reject' }))
    expect(t.room.mod.pending(drop.id)?.decision).toMatchObject({
      action: 'reject',
      reason: 'Please keep it on topic',
      by: 'mod-1',
    })

    const fixCard = queueItem('Fix me')
    fireEvent.click(within(fixCard).getByRole('button', { name: 'Edit' }))
    fireEvent.input(within(fixCard).getByLabelText(/Edit the text/), {
      target: { value: 'Fixed text' },
    })
    fireEvent.click(within(fixCard).getByRole('button', { name: 'Save text' }))
    expect(t.room.mod.pending(fix.id)?.text).toBe('Fixed text')
    expect(t.room.mod.pending(fix.id)?.decision).toBeNull()
    expect(await screen.findByText('Fixed text')).toBeTruthy()
  })

  it('POLL-MOD-3: an open-text poll answer shows its poll, and approve or reject decides it', () => {
    const t = createTestRoom({ now: 42 })
    const poll = newPoll({ kind: 'text', question: 'What should we cover next?' })
    new PublicPolls(t.room.pub.doc).putPoll(poll)
    const good = t.addPending({ kind: 'poll-answer', pollId: poll.id, text: 'Testing offline' })
    const bad = t.addPending({
      kind: 'poll-answer',
      pollId: poll.id,
      text: 'Buy my course',
      authorId: null,
      authorName: null,
      createdAt: 43,
    })
    render(() => <ModerationView room={t.room} />)

    const goodCard = queueItem('Testing offline')
    expect(within(goodCard).getByText(/Poll answer from/)).toBeTruthy()
    expect(within(goodCard).getByText('What should we cover next?')).toBeTruthy()
    fireEvent.click(within(goodCard).getByRole('button', { name: 'Approve' }))
    expect(t.room.mod.pending(good.id)?.decision).toMatchObject({ action: 'approve', by: 'mod-1' })

    const badCard = queueItem('Buy my course')
    fireEvent.click(within(badCard).getByRole('button', { name: 'Reject…' }))
    fireEvent.input(within(badCard).getByLabelText(/Reason for the author/), {
      target: { value: 'No ads' },
    })
    fireEvent.click(within(badCard).getByRole('button', { name: 'Reject' }))
    expect(t.room.mod.pending(bad.id)?.decision).toMatchObject({
      action: 'reject',
      reason: 'No ads',
    })

    // An edit is held to the poll's limit, not the question length.
    fireEvent.click(within(badCard).getByRole('button', { name: 'Undo' }))
    fireEvent.click(within(badCard).getByRole('button', { name: 'Edit' }))
    fireEvent.input(within(badCard).getByLabelText(/Edit the text/), {
      target: { value: 'x'.repeat(281) },
    })
    fireEvent.click(within(badCard).getByRole('button', { name: 'Save text' }))
    expect(within(badCard).getByText('The text must be at most 280 characters.')).toBeTruthy()
  })

  it('undo takes a decision back while the item is still queued', () => {
    const t = createTestRoom()
    const item = t.addPending({ text: 'Oops' })
    render(() => <ModerationView room={t.room} />)
    fireEvent.click(within(queueItem('Oops')).getByRole('button', { name: 'Approve' }))
    fireEvent.click(within(queueItem('Oops')).getByRole('button', { name: 'Undo' }))
    expect(t.room.mod.pending(item.id)?.decision).toBeNull()
  })

  it('announces new arrivals politely, not the ones already there', () => {
    const t = createTestRoom()
    t.addPending({ text: 'Already here' })
    render(() => <ModerationView room={t.room} />)
    const live = screen
      .getAllByRole('status')
      .find((el) => el.getAttribute('aria-live') === 'polite' && el.closest('.queue'))
    expect(live?.textContent).toBe('')
    t.addPending({ text: 'Brand new question', authorName: 'Cy' })
    expect(live?.textContent).toBe('New question in the queue from Cy: Brand new question')
  })

  it('says when the queue is empty and whether pre-moderation is on', () => {
    const t = createTestRoom()
    render(() => <ModerationView room={t.room} />)
    expect(screen.getByText(/Pre-moderation is off/)).toBeTruthy()
    t.room.pub.setSettings({ preModeration: true })
    expect(screen.getByText(/Nothing is waiting for review/)).toBeTruthy()
  })

  it('renders what people typed as text, never as markup', () => {
    const t = createTestRoom()
    t.addPending({ text: '<img src=x onerror="alert(1)">', authorName: '<b>Eve</b>' })
    const { container } = render(() => <ModerationView room={t.room} />)
    expect(container.querySelector('img')).toBeNull()
    expect(container.querySelector('b')).toBeNull()
    expect(screen.getByText('<img src=x onerror="alert(1)">')).toBeTruthy()
  })
})

describe('published questions', () => {
  it('pin and answered toggle both ways and show their state', () => {
    const t = createTestRoom({ now: 7 })
    const q = t.addQuestion({ text: 'Why?' })
    render(() => <ModerationView room={t.room} />)
    const card = () => queueItem('Why?')
    const pin = () => within(card()).getByRole('button', { name: /Pin/ })
    const answered = () => within(card()).getByRole('button', { name: /Answered/ })

    fireEvent.click(pin())
    expect(t.room.pub.question(q.id)).toMatchObject({ pinned: true, pinnedAt: 7 })
    expect(pin().getAttribute('aria-pressed')).toBe('true')
    fireEvent.click(pin())
    expect(t.room.pub.question(q.id)).toMatchObject({ pinned: false, pinnedAt: null })
    expect(pin().getAttribute('aria-pressed')).toBe('false')

    fireEvent.click(answered())
    expect(t.room.pub.question(q.id)).toMatchObject({ answered: true, answeredAt: 7 })
    // Answered questions leave the Open tab.
    expect(screen.queryByText('Why?')).toBeNull()
    fireEvent.click(screen.getByRole('button', { name: /^Answered/ }))
    fireEvent.click(answered())
    expect(t.room.pub.question(q.id)).toMatchObject({ answered: false, answeredAt: null })
  })

  it('hide, then restore from the hidden tab; spotlight and reply as moderator', () => {
    const t = createTestRoom()
    const q = t.addQuestion({ text: 'Hide me?' })
    render(() => <ModerationView room={t.room} />)
    fireEvent.click(within(queueItem('Hide me?')).getByRole('button', { name: 'On screen' }))
    expect(t.room.pub.stage().spotlightQuestionId).toBe(q.id)
    expect(screen.getByRole('button', { name: 'Take off screen' })).toBeTruthy()

    fireEvent.click(within(queueItem('Hide me?')).getByRole('button', { name: 'Reply' }))
    fireEvent.input(screen.getByLabelText(/Reply as Moderator/), { target: { value: 'Soon.' } })
    fireEvent.click(screen.getByRole('button', { name: 'Post reply' }))
    expect(t.room.pub.replies(q.id)[0]).toMatchObject({ text: 'Soon.', authorRole: 'moderator' })

    fireEvent.click(within(queueItem('Hide me?')).getByRole('button', { name: 'Hide' }))
    expect(t.room.pub.question(q.id)?.status).toBe('hidden')
    expect(t.room.pub.stage().spotlightQuestionId).toBeNull()
    fireEvent.click(screen.getByRole('button', { name: /Hidden & archived/ }))
    fireEvent.click(within(queueItem('Hide me?')).getByRole('button', { name: 'Restore' }))
    expect(t.room.pub.question(q.id)?.status).toBe('published')
  })

  it('labels a question from the picker', () => {
    const t = createTestRoom()
    const q = t.addQuestion({ text: 'Label me' })
    render(() => <ModerationView room={t.room} />)
    fireEvent.click(within(queueItem('Label me')).getByRole('button', { name: 'Labels' }))
    fireEvent.input(screen.getByLabelText('New label'), { target: { value: 'Roadmap' } })
    fireEvent.click(screen.getByRole('button', { name: 'Add label' }))
    const [label] = t.room.pub.labels()
    expect(label?.name).toBe('Roadmap')
    expect(t.room.pub.question(q.id)?.labels).toEqual([label?.id])
    fireEvent.click(screen.getByRole('checkbox', { name: 'Roadmap' }))
    expect(t.room.pub.question(q.id)?.labels).toEqual([])
  })
})
