import { ModPolls, PublicPolls } from '@podium/shared'
import { fireEvent, render, screen } from '@solidjs/testing-library'
import { describe, expect, it } from 'vitest'
import { PollsPanel } from '../../src/polls/PollsPanel.tsx'
import { createTestRoom } from '../helpers/room.tsx'

describe('polls panel', () => {
  it('adds a draft, opens and closes it with buttons and keys', () => {
    const t = createTestRoom()
    render(() => <PollsPanel room={t.room} />)
    fireEvent.input(screen.getByLabelText('Question', { exact: true }), {
      target: { value: 'Lunch?' },
    })
    fireEvent.input(screen.getByLabelText('Options, one a line'), {
      target: { value: 'Pizza\nSalad\n' },
    })
    fireEvent.click(screen.getByRole('button', { name: 'Add as draft' }))
    const polls = new PublicPolls(t.pub.doc)
    const [poll] = polls.polls()
    expect(poll).toMatchObject({ question: 'Lunch?', options: ['Pizza', 'Salad'], status: 'draft' })

    fireEvent.keyDown(document.body, { key: 'o' })
    expect(polls.poll(poll!.id)?.status).toBe('open')
    fireEvent.keyDown(document.body, { key: 'c' })
    expect(polls.poll(poll!.id)?.status).toBe('closed')
    fireEvent.click(screen.getByRole('button', { name: /^Open again/ }))
    expect(polls.poll(poll!.id)?.status).toBe('open')
    fireEvent.click(screen.getByRole('button', { name: /^Close/ }))
    expect(polls.poll(poll!.id)?.status).toBe('closed')
  })

  it('keeps a quiz question’s right option in the moderators’ document', () => {
    const t = createTestRoom()
    render(() => <PollsPanel room={t.room} />)
    fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'quiz' } })
    fireEvent.input(screen.getByLabelText('Question', { exact: true }), {
      target: { value: '2 + 2?' },
    })
    fireEvent.input(screen.getByLabelText('Options, one a line'), {
      target: { value: '3\n4' },
    })
    fireEvent.input(screen.getByLabelText('Right option (its number)'), { target: { value: '2' } })
    fireEvent.click(screen.getByRole('button', { name: 'Add as draft' }))
    const [poll] = new PublicPolls(t.pub.doc).polls()
    expect(poll).toMatchObject({ kind: 'quiz', quizId: 'quiz-main' })
    expect(JSON.stringify(poll)).not.toContain('correct')
    expect(new ModPolls(t.mod.doc).secret(poll!.id).correct).toEqual([1])
  })

  it('refuses a choice poll with fewer than two options', () => {
    const t = createTestRoom()
    render(() => <PollsPanel room={t.room} />)
    fireEvent.input(screen.getByLabelText('Question', { exact: true }), {
      target: { value: 'Only one?' },
    })
    fireEvent.input(screen.getByLabelText('Options, one a line'), { target: { value: 'A' } })
    fireEvent.click(screen.getByRole('button', { name: 'Add as draft' }))
    screen.getByText('Give 2 to 10 options, one a line.')
    expect(new PublicPolls(t.pub.doc).polls()).toHaveLength(0)
  })
})
