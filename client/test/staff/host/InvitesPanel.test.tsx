import { fireEvent, render, screen } from '@solidjs/testing-library'
import { describe, expect, it } from 'vitest'
import { createApi } from '../../../src/lib/api.ts'
import { InvitesPanel } from '../../../src/staff/host/InvitesPanel.tsx'
import { createTestRoom } from '../../helpers/room.tsx'

describe('invite links', () => {
  it('creates a link for the chosen role with the host token, and shows it to copy', async () => {
    const requests: Array<{ method: string; url: string; body: unknown; auth: string | null }> = []
    const api = createApi({
      attempts: 1,
      fetch: async (input, init) => {
        requests.push({
          method: init?.method ?? 'GET',
          url: String(input),
          body: init?.body ? JSON.parse(String(init.body)) : null,
          auth: new Headers(init?.headers).get('authorization'),
        })
        if (init?.method === 'DELETE') return new Response(null, { status: 204 })
        return new Response(
          JSON.stringify({
            id: 'invite-1',
            invite: 'inv',
            url: 'https://podium.example/i/inv',
            expiresAt: 1_900_000_000_000,
          }),
          { status: 201 },
        )
      },
    })
    const t = createTestRoom({ role: 'host' })
    render(() => <InvitesPanel room={t.room} api={api} />)
    fireEvent.change(screen.getByLabelText('Role'), { target: { value: 'presenter' } })
    fireEvent.click(screen.getByRole('button', { name: 'Create invite link' }))
    const link = (await screen.findByDisplayValue(
      'https://podium.example/i/inv',
    )) as HTMLInputElement
    expect(link.readOnly).toBe(true)
    expect(requests).toEqual([
      {
        method: 'POST',
        url: '/api/sessions/session-1/invites',
        body: { role: 'presenter' },
        auth: 'Bearer token-1',
      },
    ])
    expect(screen.getByText(/Presenter link, valid until/)).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Copy link' })).toBeTruthy()

    fireEvent.click(screen.getByRole('button', { name: 'Revoke' }))
    expect(await screen.findByText('Revoked')).toBeTruthy()
    expect(requests[1]).toMatchObject({
      method: 'DELETE',
      url: '/api/sessions/session-1/invites/invite-1',
      auth: 'Bearer token-1',
    })
    expect(screen.queryByRole('button', { name: 'Copy link' })).toBeNull()
  })

  it('shows the server’s reason when it refuses', async () => {
    const api = createApi({
      attempts: 1,
      fetch: async () =>
        new Response(
          JSON.stringify({
            type: 'about:blank',
            title: 'Forbidden',
            status: 403,
            detail: 'Only the host can invite staff.',
          }),
          { status: 403, headers: { 'content-type': 'application/problem+json' } },
        ),
    })
    const t = createTestRoom({ role: 'host' })
    render(() => <InvitesPanel room={t.room} api={api} />)
    fireEvent.click(screen.getByRole('button', { name: 'Create invite link' }))
    expect((await screen.findByRole('alert')).textContent).toBe('Only the host can invite staff.')
  })
})
