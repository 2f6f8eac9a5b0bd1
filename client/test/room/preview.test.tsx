import type { RoomPreview } from '@podium/shared'
import { screen } from '@solidjs/testing-library'
import { createSignal } from 'solid-js'
import { describe, expect, it, vi } from 'vitest'
import { createApi } from '../../src/lib/api.ts'
import { fetchPreview } from '../../src/room/preview.ts'
import { Room } from '../../src/room/Room.tsx'
import { createTestRoom, me } from '../helpers/room.tsx'

const PREVIEW: RoomPreview = {
  title: 'Town hall',
  total: 3,
  spotlightQuestionId: 'q-spot',
  questions: [
    {
      id: 'q-spot',
      text: 'What about the roadmap?',
      authorName: 'Bo',
      votes: 7,
      answered: false,
      pinned: true,
      edited: false,
      replies: 2,
      mine: false,
    },
    {
      id: 'q-mine',
      text: 'Can we get the slides?',
      authorName: null,
      votes: 1,
      answered: true,
      pinned: false,
      edited: true,
      replies: 1,
      mine: true,
    },
  ],
}

const itemTexts = () =>
  [...document.querySelectorAll('.question-list > li')].map((li) => ({
    id: li.getAttribute('data-question-id'),
    preview: li.hasAttribute('data-preview'),
    text: li.querySelector('.question-text')?.textContent,
  }))

describe('room preview', () => {
  it('stands in for the list while the document loads, read-only, then gives way to the live list', async () => {
    const room = createTestRoom()
    const [synced, setSynced] = createSignal(false)
    room.model.synced = synced
    room.addQuestion({ id: 'q-spot', text: 'What about the roadmap?', votes: 7 })
    room.mount(() => <Room authError={null} preview={PREVIEW} />)

    expect(itemTexts()).toEqual([
      { id: 'q-spot', preview: true, text: 'What about the roadmap?' },
      { id: 'q-mine', preview: true, text: 'Can we get the slides?' },
    ])
    const [spot, mine] = screen.getAllByRole('article')
    expect(spot!.textContent).toContain('Pinned')
    expect(spot!.textContent).toContain('In the spotlight')
    expect(spot!.textContent).toContain('2 replies')
    expect(mine!.getAttribute('aria-label')).toBe('Question by Anonymous')
    expect(mine!.textContent).toContain('Yours')
    expect(mine!.textContent).toContain('Answered')
    expect(mine!.textContent).toContain('edited')
    // Nothing to press before the session is there: the votes wait for the document.
    for (const vote of screen.getAllByRole('button', { name: /Upvote/ }))
      expect((vote as HTMLButtonElement).disabled).toBe(true)
    expect(screen.getByText('1 more question is loading.')).toBeTruthy()
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Town hall')

    setSynced(true)
    await vi.waitFor(() =>
      expect(itemTexts()).toEqual([
        { id: 'q-spot', preview: false, text: 'What about the roadmap?' },
      ]),
    )
    expect((screen.getByRole('button', { name: /Upvote/ }) as HTMLButtonElement).disabled).toBe(
      false,
    )
  })

  it('shows the loading card when there is no preview', () => {
    const room = createTestRoom()
    room.model.synced = () => false
    room.mount(() => <Room authError={null} preview={null} />)
    expect(screen.getByText('Loading the session…')).toBeTruthy()
    expect(document.querySelector('.question-list')).toBeNull()
  })
})

describe('fetchPreview', () => {
  it('asks for the session with the bearer token and keeps what the server sent', async () => {
    const fetch = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) =>
      Response.json(PREVIEW),
    )
    const preview = fetchPreview(me, createApi({ fetch }))
    await vi.waitFor(() => expect(preview()).toEqual(PREVIEW))
    const [url, init] = fetch.mock.calls[0]!
    expect(url).toBe(`/api/sessions/${me.sessionId}/preview`)
    expect((init?.headers as Record<string, string> | undefined)?.authorization).toBe(
      `Bearer ${me.token}`,
    )
  })

  it('stays empty when the server refuses or sends something else', async () => {
    const refused = fetchPreview(
      me,
      createApi({
        fetch: async () =>
          new Response(JSON.stringify({ title: 'Forbidden', status: 403, detail: 'no' }), {
            status: 403,
            headers: { 'content-type': 'application/problem+json' },
          }),
      }),
    )
    const garbled = fetchPreview(
      me,
      createApi({ fetch: async () => Response.json({ title: 3, questions: 'none' }) }),
    )
    await new Promise((r) => setTimeout(r, 20))
    expect(refused()).toBeNull()
    expect(garbled()).toBeNull()
  })
})
