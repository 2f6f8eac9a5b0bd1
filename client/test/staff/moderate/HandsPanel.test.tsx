import { HandsDoc } from '@podium/shared'
import { fireEvent, render, screen } from '@solidjs/testing-library'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { HandsPanel, nextHand, waited } from '../../../src/staff/moderate/HandsPanel.tsx'
import { createTestRoom } from '../../helpers/room.tsx'

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('raised hands panel', () => {
  it('lists waiting hands longest first with how long each waited, called ones after', () => {
    const t = createTestRoom()
    const hands = new HandsDoc(t.room.mod.doc)
    hands.raise('u-late', 'Lea', 100_000)
    hands.raise('u-early', 'Eli', 10_000)
    hands.raise('u-called', 'Cal', 5_000)
    hands.call('u-called', 'mod-1', 150_000)
    render(() => <HandsPanel room={t.room} now={190_000} say={() => {}} />)
    const rows = screen.getAllByRole('listitem').map((li) => li.textContent)
    expect(rows[0]).toContain('Eli')
    expect(rows[0]).toContain('waiting 3 min')
    expect(rows[1]).toContain('Lea')
    expect(rows[1]).toContain('waiting 1 min')
    expect(rows[2]).toContain('Cal')
    expect(rows[2]).toContain('called on 40 s ago')
    expect(screen.getAllByRole('button', { name: /^Call on/ })).toHaveLength(2)
    expect(nextHand(t.room)?.userId).toBe('u-early')
  })

  it('calls on someone through the API and says what happened', async () => {
    const calls: string[] = []
    vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
      calls.push(`${init?.method} ${String(input)}`)
      return new Response(JSON.stringify({ hand: {}, invitedToStage: true }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      })
    })
    const t = createTestRoom()
    new HandsDoc(t.room.mod.doc).raise('user-42', 'Ada', 1_000)
    const said: string[] = []
    render(() => <HandsPanel room={t.room} now={2_000} say={(s) => said.push(s)} />)
    fireEvent.click(screen.getByRole('button', { name: /^Call on\s*Ada$/ }))
    await vi.waitFor(() => expect(said).toEqual(['Called on Ada, and invited them to the stage.']))
    expect(calls).toEqual([`POST /api/sessions/${t.room.sessionId}/hands/user-42/call`])
  })

  it('says there are none when no hand is up', () => {
    const t = createTestRoom()
    render(() => <HandsPanel room={t.room} now={0} say={() => {}} />)
    expect(screen.getByText('No hands raised.')).toBeTruthy()
  })

  it('words a wait the way people say it', () => {
    expect(waited(2_000)).toBe('just now')
    expect(waited(45_000)).toBe('45 s')
    expect(waited(3 * 60_000)).toBe('3 min')
    expect(waited(75 * 60_000)).toBe('1 h 15 min')
  })
})
