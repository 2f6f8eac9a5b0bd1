import { myQuestions } from '@podium/shared'
import { fireEvent, screen } from '@solidjs/testing-library'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { MyQuestions } from '../../src/room/MyQuestions.tsx'
import { createTestRoom, me } from '../helpers/room.tsx'

afterEach(() => {
  vi.restoreAllMocks()
})

describe('my questions', () => {
  it('follows each question from the outbox through its receipt to the public list', () => {
    const room = createTestRoom()
    const sending = room.outbox.ask('Still on this phone')
    const review = room.outbox.ask('Waiting for a moderator')
    const refused = room.outbox.ask('Too fast')
    const published = room.outbox.ask('Made it')
    const answered = room.outbox.ask('Answered already')
    room.receipt(review.entryId, 'pending')
    room.receipt(refused.entryId, 'rejected', { reason: 'rate-limited' })
    room.receipt(published.entryId, 'accepted')
    room.addQuestion({ id: published.questionId, text: 'Made it', authorId: me.userId })
    room.receipt(answered.entryId, 'accepted')
    room.addQuestion({
      id: answered.questionId,
      text: 'Answered already',
      authorId: me.userId,
      answered: true,
    })

    const states = Object.fromEntries(
      myQuestions(room.pub, room.outbox).map((q) => [q.questionId, [q.state, q.reason]]),
    )
    expect(states).toEqual({
      [sending.questionId]: ['sending', null],
      [review.questionId]: ['waiting-for-review', null],
      [refused.questionId]: [
        'rejected',
        'You are sending too fast. Please wait a moment and try again.',
      ],
      [published.questionId]: ['published', null],
      [answered.questionId]: ['answered', null],
    })

    room.mount(() => <MyQuestions />)
    expect(screen.getByText('Waiting to send')).toBeTruthy()
    expect(screen.getByText('Waiting for review')).toBeTruthy()
    expect(
      screen.getByText(/Not published: You are sending too fast/, { selector: '.state' }),
    ).toBeTruthy()
    // Published and answered questions live in the public list, not here.
    expect(screen.queryByText('Made it')).toBeNull()
    expect(screen.queryByText('Answered already')).toBeNull()

    room.receipt(review.entryId, 'accepted')
    room.addQuestion({
      id: review.questionId,
      text: 'Waiting for a moderator',
      authorId: me.userId,
    })
    expect(screen.queryByText('Waiting for review')).toBeNull()
  })

  it("shows a moderator's reason with the rejection", () => {
    const room = createTestRoom()
    const asked = room.outbox.ask('Off topic')
    room.receipt(asked.entryId, 'rejected', {
      reason: 'moderator-rejected',
      detail: 'Please keep to the talk.',
    })
    room.mount(() => <MyQuestions />)
    expect(
      screen.getByText('Not published: A moderator did not publish this. Please keep to the talk.'),
    ).toBeTruthy()
  })

  it('lets me withdraw a question still waiting for review', () => {
    const room = createTestRoom()
    const asked = room.outbox.ask('Second thoughts')
    room.receipt(asked.entryId, 'pending')
    room.mount(() => <MyQuestions />)
    vi.spyOn(window, 'confirm').mockReturnValue(true)
    fireEvent.click(screen.getByRole('button', { name: 'Withdraw' }))
    expect(room.outbox.items().map(({ entry }) => entry.type)).toEqual(['ask', 'withdraw'])
    expect(screen.queryByText('Second thoughts')).toBeNull()
  })

  it('lets me dismiss a rejected question once read, on this device for good', () => {
    const room = createTestRoom()
    const rejected = room.outbox.ask('Off topic')
    room.receipt(rejected.entryId, 'rejected', { reason: 'moderator-rejected' })
    const waiting = room.outbox.ask('Still waiting')
    room.receipt(waiting.entryId, 'pending')
    const { unmount } = room.mount(() => <MyQuestions />)
    expect(screen.queryByRole('button', { name: 'Dismiss' })).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }))
    expect(screen.queryByText('Off topic')).toBeNull()
    expect(screen.getByText('Still waiting')).toBeTruthy()
    // Nothing is sent: the outbox holds the two questions asked, nothing more.
    expect(room.outbox.items().map(({ entry }) => entry.type)).toEqual(['ask', 'ask'])
    unmount()
    room.mount(() => <MyQuestions />)
    expect(screen.queryByText('Off topic')).toBeNull()
  })
})
