import { describe, expect, it } from 'vitest'
import { Announcer } from '../../src/room/Announcer.tsx'
import { createTestRoom, me } from '../helpers/room.tsx'

const liveRegion = () => document.querySelector('[aria-live="polite"]')

describe('announcer', () => {
  it("announces questions that arrive and questions answered, but not what was there or one's own", async () => {
    const room = createTestRoom()
    room.addQuestion({ id: 'already-here', text: 'Was here before' })
    room.mount(() => <Announcer />)
    await Promise.resolve()
    expect(liveRegion()?.textContent).toBe('')

    room.addQuestion({ id: 'fresh-one', text: 'Brand new question' })
    await expect.poll(() => liveRegion()?.textContent).toBe('New question: Brand new question')

    room.addQuestion({ id: 'my-own', text: 'I asked this myself', authorId: me.userId })
    room.addQuestion({ id: 'fresh-two', text: 'Second' })
    room.addQuestion({ id: 'fresh-three', text: 'Third' })
    await expect.poll(() => liveRegion()?.textContent).toBe('New question: Third')

    room.pub.updateQuestion('already-here', { answered: true, answeredAt: 5 })
    await expect.poll(() => liveRegion()?.textContent).toBe('Answered: Was here before')

    room.pub.doc.transact(() => {
      room.addQuestion({ id: 'batch-one', text: 'One of two' })
      room.addQuestion({ id: 'batch-two', text: 'Two of two' })
    })
    await expect.poll(() => liveRegion()?.textContent).toBe('2 new questions')
  })
})
