import { type ReactionId, type ReactionRefused, ReactionsDoc } from '@podium/shared'
import { fireEvent, screen } from '@solidjs/testing-library'
import { createSignal } from 'solid-js'
import { describe, expect, it } from 'vitest'
import { LiveActionsContext } from '../../src/room/live-actions.ts'
import { ReactionBar } from '../../src/room/ReactionBar.tsx'
import { createTestRoom } from '../helpers/room.tsx'

/** The room with the reaction bar; `online` says whether the connection would send. */
function mountBar(online = true) {
  const room = createTestRoom()
  const sent: ReactionId[] = []
  const [refused, setRefused] = createSignal<ReactionRefused | null>(null)
  room.mount(() => (
    <LiveActionsContext.Provider
      value={{
        react: (r) => {
          if (online) sent.push(r)
          return online
        },
        reactionRefused: refused,
        publicDoc: room.pub.doc,
        outboxDoc: room.outbox.doc,
      }}
    >
      <ReactionBar />
    </LiveActionsContext.Provider>
  ))
  return { room, sent, setRefused }
}

describe('reaction bar', () => {
  it('offers the six reactions by name and sends one, then waits a second', () => {
    const { sent } = mountBar()
    const buttons = screen.getAllByRole('button')
    expect(buttons.map((b) => b.getAttribute('aria-label'))).toEqual([
      'Thumbs up',
      'Love',
      'Laugh',
      'Applause',
      'Celebrate',
      'Surprised',
    ])
    fireEvent.click(screen.getByRole('button', { name: 'Applause' }))
    fireEvent.click(screen.getByRole('button', { name: 'Love' }))
    expect(sent).toEqual(['clap'])
    expect(screen.getByRole('button', { name: 'Love' }).getAttribute('aria-disabled')).toBe('true')
  })

  it('says so when offline instead of keeping reactions for later', () => {
    const { sent } = mountBar(false)
    fireEvent.click(screen.getByRole('button', { name: 'Laugh' }))
    expect(sent).toEqual([])
    expect(screen.getByRole('status').textContent).toMatch(/offline/)
  })

  it('shows the server’s refusal in words', () => {
    const { setRefused } = mountBar()
    setRefused({ type: 'reaction-refused', reason: 'rate-limited', message: 'x' })
    expect(screen.getByRole('status').textContent).toMatch(/too fast/)
  })

  it('shows the counts the server publishes each second', () => {
    const { room } = mountBar()
    const reactions = new ReactionsDoc(room.pub.doc)
    reactions.publish('i1', { second: 5_000, counts: { clap: 3 }, totals: { clap: 10, love: 2 } })
    const clap = document.querySelector('[data-reaction="clap"]')
    expect(clap?.textContent).toBe('10')
    expect(document.querySelector('[data-reaction="love"]')?.textContent).toBe('2')
    expect(clap?.parentElement?.textContent).toContain('+3')
    // Two instances: their totals add up.
    reactions.publish('i2', { second: 5_000, counts: { clap: 1 }, totals: { clap: 1 } })
    expect(document.querySelector('[data-reaction="clap"]')?.textContent).toBe('11')
  })

  it('offers nothing to press once the session has ended', () => {
    const { room } = mountBar()
    room.pub.setMeta({ status: 'ended' })
    expect(screen.queryAllByRole('button')).toHaveLength(0)
    expect(screen.getByText('The session has ended.')).toBeTruthy()
  })
})
