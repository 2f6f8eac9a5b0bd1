import { voteEntryId } from '@podium/shared'
import { fireEvent, screen } from '@solidjs/testing-library'
import { describe, expect, it } from 'vitest'
import { VoteButton } from '../../src/room/VoteButton.tsx'
import { createTestRoom } from '../helpers/room.tsx'

const button = () => screen.getByRole('button', { name: /^Upvote/ }) as HTMLButtonElement

describe('vote button', () => {
  it('shows my vote at once and counts it until the server has it', () => {
    const room = createTestRoom()
    room.addQuestion({ id: 'question1', text: 'Q', votes: 3 })
    room.mount(() => <VoteButton questionId="question1" />)
    expect(button().getAttribute('aria-pressed')).toBe('false')
    expect(button().textContent).toContain('3')

    fireEvent.click(button())
    expect(button().getAttribute('aria-pressed')).toBe('true')
    expect(button().getAttribute('aria-label')).toBe('Upvote (4 votes)')
    expect(room.outbox.myVote('question1')).toBe(true)

    // The server counts it and receipts the entry: the count comes from the server now.
    room.pub.setVoteCounts([['question1', 4]])
    room.receipt(voteEntryId('question1'), 'accepted')
    expect(button().getAttribute('aria-label')).toBe('Upvote (4 votes)')
    expect(room.model.unsynced()).toBe(0)
  })

  it('takes a receipted vote back at once, before the server confirms', () => {
    const room = createTestRoom()
    room.addQuestion({ id: 'question1', text: 'Q', votes: 4 })
    room.outbox.vote('question1', true)
    room.receipt(voteEntryId('question1'), 'accepted')
    room.mount(() => <VoteButton questionId="question1" />)
    expect(button().getAttribute('aria-label')).toBe('Upvote (4 votes)')

    fireEvent.click(button())
    expect(button().getAttribute('aria-pressed')).toBe('false')
    expect(button().getAttribute('aria-label')).toBe('Upvote (3 votes)')
    expect(room.model.unsynced()).toBe(1)
  })

  it('is disabled when voting is closed', () => {
    const room = createTestRoom()
    room.addQuestion({ id: 'question1', text: 'Q' })
    room.mount(() => <VoteButton questionId="question1" disabled />)
    expect(button().disabled).toBe(true)
  })
})
