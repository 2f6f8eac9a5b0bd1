import { fireEvent, screen } from '@solidjs/testing-library'
import { describe, expect, it } from 'vitest'
import { AskBox } from '../../src/room/AskBox.tsx'
import { announcement } from '../../src/room/announce.ts'
import { createTestRoom, me } from '../helpers/room.tsx'

const box = () => screen.getByLabelText('Your question') as HTMLTextAreaElement
const send = () => screen.getByRole('button', { name: 'Send question' }) as HTMLButtonElement
const type = (text: string) => fireEvent.input(box(), { target: { value: text } })

describe('ask box', () => {
  it('counts characters against the session limit and refuses to send past it', () => {
    const room = createTestRoom({ settings: { maxQuestionLength: 20 } })
    room.mount(() => <AskBox />)
    expect(screen.getByText('0 / 20')).toBeTruthy()
    expect(send().disabled).toBe(true)

    type('How do we ship? 🚀')
    expect(screen.getByText('18 / 20')).toBeTruthy()
    expect(send().disabled).toBe(false)

    type('How do we ship faster than last year?')
    expect(screen.getByText('17 characters too many (37 / 20)')).toBeTruthy()
    expect(box().getAttribute('aria-invalid')).toBe('true')
    expect(send().disabled).toBe(true)
    fireEvent.submit(box().form!)
    expect(room.outbox.entryCount()).toBe(0)
  })

  it('writes one ask entry to the outbox, trimmed, and clears the box', () => {
    const room = createTestRoom()
    room.mount(() => <AskBox />)
    type('  What is next?  ')
    fireEvent.click(send())
    const [item] = room.outbox.items()
    expect(item?.entry).toMatchObject({ type: 'ask', text: 'What is next?', anonymous: false })
    expect(box().value).toBe('')
  })

  it('offers anonymity only where the host allows it', () => {
    const room = createTestRoom({ settings: { anonymousQuestions: true } })
    room.mount(() => <AskBox />)
    fireEvent.click(screen.getByLabelText('Ask anonymously'))
    type('Secret question')
    fireEvent.click(send())
    expect(room.outbox.items()[0]?.entry).toMatchObject({ anonymous: true })
    // Chosen for that question: the next one is asked under the name again unless ticked.
    expect((screen.getByLabelText('Ask anonymously') as HTMLInputElement).checked).toBe(false)
    type('Next question')
    fireEvent.click(send())
    expect(room.outbox.items()[1]?.entry).toMatchObject({ anonymous: false })

    room.pub.setSettings({ anonymousQuestions: false })
    expect(screen.queryByLabelText('Ask anonymously')).toBeNull()
  })

  it('does not offer anonymity to someone who joined without a name', () => {
    const room = createTestRoom({ identity: { ...me, name: null } })
    room.mount(() => <AskBox />)
    expect(screen.queryByLabelText('Ask anonymously')).toBeNull()
  })

  it('says why asking is closed and disables the box', () => {
    const room = createTestRoom({ settings: { qaOpen: false } })
    room.mount(() => <AskBox />)
    expect(screen.getByText('The host has closed Q&A for now.')).toBeTruthy()
    expect(box().disabled).toBe(true)
    room.pub.setSettings({ qaOpen: true })
    expect(box().disabled).toBe(false)
  })

  it('tells the attendee that questions are reviewed before they appear, when they are', async () => {
    const room = createTestRoom({ settings: { preModeration: true } })
    room.mount(() => <AskBox />)
    const hint = screen.getByText(/A moderator reviews each question before it appears/)
    expect(box().getAttribute('aria-describedby')).toContain(hint.id)
    type('Is this reviewed?')
    fireEvent.click(send())
    await Promise.resolve()
    expect(announcement()).toBe('Question sent. A moderator reviews it before it is listed.')

    room.pub.setSettings({ preModeration: false })
    expect(screen.queryByText(/A moderator reviews each question/)).toBeNull()
  })
})
