import { HAND_ENTRY_ID, myHand, setCallNotice } from '@podium/shared'
import { fireEvent, screen } from '@solidjs/testing-library'
import { createSignal } from 'solid-js'
import { describe, expect, it } from 'vitest'
import { HandButton } from '../../src/room/HandButton.tsx'
import { LiveActionsContext } from '../../src/room/live-actions.ts'
import { createTestRoom } from '../helpers/room.tsx'

function mountHand() {
  const room = createTestRoom()
  const [refused] = createSignal(null)
  room.mount(() => (
    <LiveActionsContext.Provider
      value={{
        react: () => true,
        reactionRefused: refused,
        publicDoc: room.pub.doc,
        outboxDoc: room.outbox.doc,
      }}
    >
      <HandButton />
    </LiveActionsContext.Provider>
  ))
  return room
}

const button = () => screen.getByRole('button') as HTMLButtonElement

describe('raise hand', () => {
  it('raises the hand in the outbox at once, and says it waits for the network', () => {
    const room = mountHand()
    expect(button().textContent).toContain('Raise my hand')
    fireEvent.click(button())
    expect(myHand(room.outbox.doc)).toBe(true)
    expect(button().getAttribute('aria-pressed')).toBe('true')
    expect(room.model.unsynced()).toBe(1)
    expect(screen.getByRole('status').textContent).toMatch(/when you are online/)
    room.receipt(HAND_ENTRY_ID, 'accepted')
    expect(screen.getByRole('status').textContent).toMatch(/staff see it/)
  })

  it('lowers it again', () => {
    const room = mountHand()
    fireEvent.click(button())
    fireEvent.click(button())
    expect(myHand(room.outbox.doc)).toBe(false)
    expect(button().textContent).toContain('Raise my hand')
  })

  it('says why the server refused it', () => {
    const room = mountHand()
    fireEvent.click(button())
    room.receipt(HAND_ENTRY_ID, 'rejected', { reason: 'rate-limited' })
    expect(screen.getByRole('status').textContent).toMatch(/too fast/)
  })

  it('tells the person they were called on, with the way to the stage', () => {
    const room = mountHand()
    fireEvent.click(button())
    room.receipt(HAND_ENTRY_ID, 'accepted')
    setCallNotice(room.outbox.doc, { at: Date.now() + 1e9, stageInvite: 'http://x/i/abc' })
    expect(screen.getByRole('alert').textContent).toContain('You have been called on')
    const link = screen.getByRole('link', { name: 'Join the video stage' })
    expect(link.getAttribute('href')).toBe('http://x/i/abc')
  })
})
