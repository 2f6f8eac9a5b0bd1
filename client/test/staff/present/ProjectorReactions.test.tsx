import { ReactionsDoc, setCalledOn } from '@podium/shared'
import { render, screen } from '@solidjs/testing-library'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { ProjectorReactions } from '../../../src/staff/present/ProjectorReactions.tsx'
import { createTestRoom } from '../../helpers/room.tsx'

describe('projector reactions', () => {
  it('shows the totals and this second’s counts as they are published', () => {
    const t = createTestRoom()
    render(() => <ProjectorReactions doc={t.pub.doc} now={() => 10_000} />)
    new ReactionsDoc(t.pub.doc).publish('i1', {
      second: 9_000,
      counts: { party: 4 },
      totals: { party: 40, wow: 1 },
    })
    expect(document.querySelector('[data-reaction="party"]')?.textContent).toBe('40')
    expect(document.querySelector('[data-reaction="party"]')?.parentElement?.textContent).toContain(
      '+4',
    )
    // The floating emoji are decoration: hidden from assistive technology.
    expect(document.querySelector('.reaction-float')?.getAttribute('aria-hidden')).toBe('true')
  })

  it('floats up every window that arrives in one update, not only the newest', () => {
    const t = createTestRoom()
    render(() => <ProjectorReactions doc={t.pub.doc} now={() => 10_000} />)
    // The server wrote two windows in one turn: the page gets them as one update.
    const server = new Y.Doc()
    const updates: Uint8Array[] = []
    server.on('update', (u: Uint8Array) => updates.push(u))
    const reactions = new ReactionsDoc(server)
    reactions.publish('i1', { second: 8_000, counts: { party: 1 }, totals: { party: 1 } })
    reactions.publish('i1', { second: 9_000, counts: { wow: 1 }, totals: { party: 1, wow: 1 } })
    Y.applyUpdate(t.pub.doc, Y.mergeUpdates(updates))
    const floating = [...document.querySelectorAll('.reaction-bubble')].map((b) => b.textContent)
    expect(floating.sort()).toEqual(['🎉', '😮'].sort())
  })

  it('names who was called on for a minute', () => {
    const t = createTestRoom()
    setCalledOn(t.pub.doc, { userId: 'u1', name: 'Ada', at: 10_000, toStage: true })
    render(() => <ProjectorReactions doc={t.pub.doc} now={() => 20_000} />)
    expect(screen.getByText(/Ada has the floor and is invited to the stage/)).toBeTruthy()
  })

  it('does not name someone called on long ago', () => {
    const t = createTestRoom()
    setCalledOn(t.pub.doc, { userId: 'u1', name: 'Ada', at: 10_000, toStage: false })
    render(() => <ProjectorReactions doc={t.pub.doc} now={() => 200_000} />)
    expect(screen.queryByText(/has the floor/)).toBeNull()
  })
})
