import { newPoll, PublicPolls, pollAnswerEntryId } from '@podium/shared'
import { fireEvent, screen } from '@solidjs/testing-library'
import { describe, expect, it } from 'vitest'
import { myAnswer } from '../../src/polls/model.ts'
import { RoomPolls } from '../../src/polls/RoomPolls.tsx'
import { createTestRoom } from '../helpers/room.tsx'

function withPoll(fields: Parameters<typeof newPoll>[0]) {
  const t = createTestRoom()
  const poll = newPoll({ id: 'poll-0001', status: 'open', ...fields })
  new PublicPolls(t.pub.doc).putPoll(poll)
  return { t, poll }
}

describe('room polls', () => {
  it('answers into the outbox, says it is saved offline, then counted once receipted', () => {
    const { t, poll } = withPoll({
      kind: 'single',
      question: 'Lunch?',
      options: ['Pizza', 'Salad'],
    })
    t.setStatus('offline')
    t.mount(() => <RoomPolls />)
    fireEvent.click(screen.getByLabelText('Salad'))
    fireEvent.click(screen.getByRole('button', { name: 'Answer' }))
    expect(myAnswer(t.outbox.doc, poll.id).entry?.choices).toEqual([1])
    screen.getByText(/^Saved on this device/)
    t.receipt(pollAnswerEntryId(poll.id), 'accepted', {
      seq: myAnswer(t.outbox.doc, poll.id).entry?.seq ?? 0,
    })
    screen.getByText('Your answer is counted.')
    screen.getByRole('button', { name: 'Change answer' })
  })

  it('shows why an answer was refused', () => {
    const { t, poll } = withPoll({ kind: 'single', question: 'Late?', options: ['A', 'B'] })
    t.mount(() => <RoomPolls />)
    fireEvent.click(screen.getByLabelText('A'))
    fireEvent.click(screen.getByRole('button', { name: 'Answer' }))
    t.receipt(pollAnswerEntryId(poll.id), 'rejected', {
      seq: myAnswer(t.outbox.doc, poll.id).entry?.seq ?? 0,
      reason: 'poll-closed',
    })
    screen.getByText(
      'Not counted: The poll closed before your answer arrived, so it was not counted.',
    )
  })

  it('POLL-MOD-1, POLL-MOD-3: open text waits for a moderator, then is turned down with a reason', () => {
    const { t, poll } = withPoll({ kind: 'text', question: 'Ideas?' })
    t.mount(() => <RoomPolls />)
    fireEvent.input(screen.getByLabelText('Your answer'), { target: { value: 'Buy my course' } })
    fireEvent.click(screen.getByRole('button', { name: 'Answer' }))
    const seq = myAnswer(t.outbox.doc, poll.id).entry?.seq ?? 0
    t.receipt(pollAnswerEntryId(poll.id), 'pending', { seq })
    screen.getByText(/^Waiting for a moderator: your answer shows in the results/)
    t.receipt(pollAnswerEntryId(poll.id), 'rejected', {
      seq,
      reason: 'moderator-rejected',
      detail: 'No advertising, please.',
    })
    screen.getByText('Not counted: A moderator did not publish this. No advertising, please.')
  })

  it('limits a multiple-choice answer to its maximum, and a word cloud to three words', () => {
    const { t } = withPoll({
      kind: 'multiple',
      question: 'Two?',
      options: ['A', 'B', 'C'],
      maxChoices: 2,
    })
    new PublicPolls(t.pub.doc).putPoll(
      newPoll({ id: 'poll-0002', kind: 'words', question: 'Cloud', status: 'open' }),
    )
    t.mount(() => <RoomPolls />)
    fireEvent.click(screen.getByLabelText('A'))
    fireEvent.click(screen.getByLabelText('B'))
    expect((screen.getByLabelText('C') as HTMLInputElement).disabled).toBe(true)
    fireEvent.input(screen.getByPlaceholderText('Up to three words'), {
      target: { value: 'one two three four' },
    })
    const buttons = screen.getAllByRole('button', { name: 'Answer' })
    fireEvent.click(buttons[1]!)
    screen.getByText('Use at most 3 words.')
  })

  it('shows results as bars, and withholds them until closed when the poll says so', () => {
    const { t, poll } = withPoll({
      kind: 'single',
      question: 'Secret?',
      options: ['Yes', 'No'],
      results: 'closed',
    })
    const polls = new PublicPolls(t.pub.doc)
    polls.setResults(poll.id, {
      openedAt: 1,
      closedAt: null,
      total: 3,
      counts: [],
      average: null,
      texts: [],
      words: [],
      correct: null,
      hidden: true,
    })
    t.mount(() => <RoomPolls />)
    screen.getByText('Results are shown when the poll closes.')
    polls.updatePoll(poll.id, { status: 'closed' })
    polls.setResults(poll.id, { ...polls.results(poll.id), hidden: false, counts: [2, 1] })
    expect(screen.queryByText('Results are shown when the poll closes.')).toBeNull()
    expect(document.querySelectorAll('.poll-bar')).toHaveLength(2)
    screen.getByText('Poll results')
  })
})
