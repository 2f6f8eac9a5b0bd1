import { describe, expect, it } from 'vitest'
import { Announcer } from '../../src/room/Announcer.tsx'
import { me, testRoom } from '../helpers/room.tsx'

const liveRegion = () => document.querySelector('[aria-live="polite"]')

describe('announcer', () => {
  it("announces questions that arrive and questions answered, but not what was there or one's own", async () => {
    const room = testRoom()
    room.publish({ id: 'already-here', text: 'Was here before' })
    room.mount(() => <Announcer />)
    await Promise.resolve()
    expect(liveRegion()?.textContent).toBe('')

    room.publish({ id: 'fresh-one', text: 'Brand new question' })
    await expect.poll(() => liveRegion()?.textContent).toBe('New question: Brand new question')

    room.publish({ id: 'my-own', text: 'I asked this myself', authorId: me.userId })
    room.publish({ id: 'fresh-two', text: 'Second' })
    room.publish({ id: 'fresh-three', text: 'Third' })
    await expect.poll(() => liveRegion()?.textContent).toBe('New question: Third')

    room.pub.updateQuestion('already-here', { answered: true, answeredAt: 5 })
    await expect.poll(() => liveRegion()?.textContent).toBe('Answered: Was here before')

    room.pub.doc.transact(() => {
      room.publish({ id: 'batch-one', text: 'One of two' })
      room.publish({ id: 'batch-two', text: 'Two of two' })
    })
    await expect.poll(() => liveRegion()?.textContent).toBe('2 new questions')
  })
})
