import { fireEvent, screen, within } from '@solidjs/testing-library'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { FIRST_ITEMS, QuestionList } from '../../src/room/QuestionList.tsx'
import { RoomHeader } from '../../src/room/RoomHeader.tsx'
import { createTestRoom, me } from '../helpers/room.tsx'

const shownTexts = () =>
  screen
    .queryAllByRole('article')
    .map((article) => article.querySelector('.question-text')?.textContent)

function seeded() {
  const room = createTestRoom()
  room.addQuestion({ id: 'q-old-popular', text: 'Old but popular', votes: 5, createdAt: 100 })
  room.addQuestion({ id: 'q-new-quiet', text: 'New and quiet', votes: 0, createdAt: 300 })
  room.addQuestion({
    id: 'q-mine-answered',
    text: 'Mine, answered',
    votes: 2,
    createdAt: 200,
    authorId: me.userId,
    answered: true,
  })
  room.addQuestion({
    id: 'q-hidden',
    text: 'Hidden by a moderator',
    votes: 9,
    createdAt: 250,
    status: 'hidden',
  })
  return room
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('question list', () => {
  it('puts a long list on the page in steps: the top at once, every question a moment later', async () => {
    const room = createTestRoom()
    const total = FIRST_ITEMS * 3 + 7
    for (let i = 0; i < total; i++)
      room.addQuestion({ id: `q${i}`, text: `Question ${i}`, votes: total - i, createdAt: i })
    room.mount(() => <QuestionList />)
    const items = () => document.querySelectorAll('.question-list > li').length
    expect(items()).toBe(FIRST_ITEMS)
    expect(shownTexts()[0]).toBe('Question 0')
    // The rest comes in idle time, later on a busy machine.
    await vi.waitFor(() => expect(items()).toBe(total), { timeout: 15_000 })
    expect(shownTexts().at(-1)).toBe(`Question ${total - 1}`)
  }, 20_000)

  it('shows an empty state before anyone has asked', () => {
    createTestRoom().mount(() => <QuestionList />)
    expect(screen.getByText('No questions yet. Be the first to ask.')).toBeTruthy()
  })

  it('orders by votes (Popular) or time (Recent), pinned first, hidden never', () => {
    const room = seeded()
    room.mount(() => <QuestionList />)
    expect(shownTexts()).toEqual(['Old but popular', 'Mine, answered', 'New and quiet'])

    fireEvent.click(screen.getByRole('button', { name: 'Recent' }))
    expect(shownTexts()).toEqual(['New and quiet', 'Mine, answered', 'Old but popular'])

    room.pub.updateQuestion('q-old-popular', { pinned: true, pinnedAt: 1 })
    expect(shownTexts()[0]).toBe('Old but popular')
  })

  it('re-orders live when votes change, keeping each item in place in the DOM', () => {
    const room = seeded()
    room.mount(() => <QuestionList />)
    const quiet = screen.getByText('New and quiet').closest('li')
    room.pub.setVoteCounts([['q-new-quiet', 10]])
    expect(shownTexts()[0]).toBe('New and quiet')
    expect(screen.getByText('New and quiet').closest('li')).toBe(quiet)
  })

  it('filters answered and mine, and searches as you type', () => {
    seeded().mount(() => <QuestionList />)
    const show = screen.getByLabelText('Show')
    fireEvent.change(show, { target: { value: 'answered' } })
    expect(shownTexts()).toEqual(['Mine, answered'])
    fireEvent.change(show, { target: { value: 'open' } })
    expect(shownTexts()).toEqual(['Old but popular', 'New and quiet'])
    fireEvent.change(show, { target: { value: 'all' } })

    fireEvent.click(screen.getByLabelText('Only mine'))
    expect(shownTexts()).toEqual(['Mine, answered'])
    fireEvent.click(screen.getByLabelText('Only mine'))

    const search = screen.getByLabelText('Search questions')
    fireEvent.input(search, { target: { value: 'QUIET new' } })
    expect(shownTexts()).toEqual(['New and quiet'])
    fireEvent.input(search, { target: { value: 'nothing like this' } })
    expect(screen.getByText('No questions match. Try another search or filter.')).toBeTruthy()
  })

  it('marks my question, lets me edit it until answered, and hides it once I withdraw it', () => {
    const room = createTestRoom()
    room.addQuestion({ id: 'q-mine-open', text: 'My open question', authorId: me.userId })
    room.mount(() => <QuestionList />)
    const item = screen.getByRole('article')
    expect(within(item).getByText('Yours')).toBeTruthy()

    fireEvent.click(within(item).getByRole('button', { name: 'Edit' }))
    fireEvent.input(within(item).getByLabelText('Edit your question'), {
      target: { value: 'My better question' },
    })
    fireEvent.click(within(item).getByRole('button', { name: 'Save' }))
    expect(within(item).getByText('My better question')).toBeTruthy()
    expect(within(item).getByText('Edit waiting to send')).toBeTruthy()

    room.pub.updateQuestion('q-mine-open', { answered: true })
    expect(within(item).queryByRole('button', { name: 'Edit' })).toBeNull()
    room.pub.updateQuestion('q-mine-open', { answered: false })

    vi.spyOn(window, 'confirm').mockReturnValue(true)
    fireEvent.click(within(item).getByRole('button', { name: 'Withdraw' }))
    expect(screen.queryByRole('article')).toBeNull()
  })

  it('marks my anonymous question, which names nobody, from my outbox; not one whose id my refused ask reused', () => {
    const room = createTestRoom()
    const { questionId } = room.outbox.ask('Asked without my name', true)
    room.receipt(questionId, 'accepted')
    room.addQuestion({
      id: questionId,
      text: 'Asked without my name',
      authorId: null,
      authorName: null,
    })
    // Someone else's anonymous question, whose id an ask of mine used and was refused for.
    room.outbox.doc.getMap('entries').set('q-someone-else', {
      type: 'ask',
      id: 'q-someone-else',
      seq: 1,
      createdAt: 1,
      questionId: 'q-someone-else',
      text: 'Mine?',
      anonymous: false,
    })
    room.receipt('q-someone-else', 'rejected', { reason: 'id-taken' })
    room.addQuestion({ id: 'q-someone-else', text: 'Theirs', authorId: null, authorName: null })
    room.mount(() => <QuestionList />)
    const article = (text: string) => screen.getByText(text).closest('article') as HTMLElement
    const mine = article('Asked without my name')
    const theirs = article('Theirs')
    expect(within(mine).getByText('Yours')).toBeTruthy()
    expect(within(mine).getByRole('button', { name: 'Edit' })).toBeTruthy()
    expect(within(theirs).queryByText('Yours')).toBeNull()

    fireEvent.click(screen.getByLabelText('Only mine'))
    expect(shownTexts()).toEqual(['Asked without my name'])
  })

  it('renders question text as text, never as markup', () => {
    const room = createTestRoom()
    room.addQuestion({ id: 'q-markup', text: '<img src=x onerror=alert(1)><b>bold</b>' })
    room.mount(() => <QuestionList />)
    expect(screen.getByText('<img src=x onerror=alert(1)><b>bold</b>')).toBeTruthy()
    expect(document.querySelector('.question img, .question b')).toBeNull()
  })

  it('is not read again when only the participant count moves; the header shows the count', async () => {
    const room = seeded()
    room.mount(() => (
      <>
        <RoomHeader />
        <QuestionList />
      </>
    ))
    const reads = { questions: 0, question: 0 }
    const questions = room.pub.questions.bind(room.pub)
    const question = room.pub.question.bind(room.pub)
    vi.spyOn(room.pub, 'questions').mockImplementation(() => {
      reads.questions++
      return questions()
    })
    vi.spyOn(room.pub, 'question').mockImplementation((id) => {
      reads.question++
      return question(id)
    })

    room.pub.setParticipants('instance-a', 41, Date.now())
    await vi.waitFor(() => expect(screen.getByText('41 people here')).toBeTruthy())
    expect(reads).toEqual({ questions: 0, question: 0 })

    // Any other change does re-derive the list.
    room.addQuestion({ id: 'q-late', text: 'A late one', votes: 0 })
    await vi.waitFor(() => expect(shownTexts()).toContain('A late one'))
    expect(reads.questions).toBeGreaterThan(0)
  })
})
