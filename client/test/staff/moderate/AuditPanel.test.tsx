import { render, screen } from '@solidjs/testing-library'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { AuditPanel } from '../../../src/staff/moderate/AuditPanel.tsx'
import { createTestRoom } from '../../helpers/room.tsx'

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('history panel', () => {
  it('shows the server’s audit log, not the array in the moderators’ document', async () => {
    const urls: string[] = []
    vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
      urls.push(String(input))
      const entries = [
        {
          at: 1_700_000_000_000,
          actorId: 'presenter-1',
          actorName: 'Pat',
          actorRole: 'presenter',
          action: 'refused-change',
          targetId: null,
          detail: 'meta.status',
        },
      ]
      return new Response(JSON.stringify({ entries }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      })
    })
    const t = createTestRoom({ role: 'host' })
    // What an older document, or a forger, left in the moderators' document.
    t.room.mod.doc
      .getArray('audit')
      .push([
        { at: 1, actorId: 'host-1', actorName: 'Forged', action: 'status-ended', targetId: null },
      ])
    render(() => <AuditPanel room={t.room} />)
    expect(await screen.findByText('Pat')).toBeTruthy()
    expect(screen.getByText(/tried a change their role may not make/)).toBeTruthy()
    expect(screen.queryByText('Forged')).toBeNull()
    expect(urls[0]).toBe('/api/sessions/session-1/audit')
  })

  it('names what each entry was done to: a reply by its question, you as "You"', async () => {
    const t = createTestRoom({ role: 'host', name: null })
    const q = t.addQuestion({ text: 'Will the slides be shared?' })
    t.room.pub.putReply({
      id: 'reply-1',
      questionId: q.id,
      text: 'Yes, after the talk.',
      authorId: t.room.actor.userId,
      authorName: null,
      authorRole: 'host',
      createdAt: 1,
      hidden: false,
    })
    const entries = [
      {
        at: 1,
        actorId: t.room.actor.userId,
        actorName: null,
        actorRole: 'host',
        action: 'reply',
        targetId: 'reply-1',
      },
      {
        at: 2,
        actorId: 'mod-9',
        actorName: null,
        actorRole: 'moderator',
        action: 'pin',
        targetId: q.id,
      },
    ]
    vi.stubGlobal(
      'fetch',
      async () =>
        new Response(JSON.stringify({ entries }), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        }),
    )
    render(() => <AuditPanel room={t.room} />)
    const items = await screen.findAllByRole('listitem')
    const text = items.map((li) =>
      li.textContent?.slice((li.querySelector('time')?.textContent?.length ?? 0) + 1),
    )
    expect(text).toEqual([
      'A moderator pinned “Will the slides be shared?”',
      'You replied to “Will the slides be shared?”',
    ])
  })
})
