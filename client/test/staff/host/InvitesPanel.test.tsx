import type { InviteSummary, StaffSummary } from '@podium/shared'
import { fireEvent, render, screen, within } from '@solidjs/testing-library'
import { describe, expect, it } from 'vitest'
import { createApi } from '../../../src/lib/api.ts'
import { InvitesPanel } from '../../../src/staff/host/InvitesPanel.tsx'
import { createTestRoom } from '../../helpers/room.tsx'

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

/**
 * The server's side of the staff routes, kept in memory: what the host console reads after a
 * reload is what the server recorded, not what the page remembers.
 */
function fakeServer() {
  const invites: InviteSummary[] = []
  const staff: StaffSummary[] = [
    { userId: 'mod-1', name: 'Mia', role: 'host', since: 1, inviteId: null },
  ]
  const requests: string[] = []
  let n = 0
  const api = createApi({
    attempts: 1,
    fetch: async (input, init) => {
      const method = init?.method ?? 'GET'
      const url = String(input)
      requests.push(`${method} ${url} ${new Headers(init?.headers).get('authorization')}`)
      const path = url.replace('/api/sessions/session-1', '')
      if (method === 'GET' && path === '/invites') return json({ invites })
      if (method === 'GET' && path === '/staff') return json({ staff })
      if (method === 'POST' && path === '/invites') {
        const { role } = JSON.parse(String(init?.body)) as { role: 'moderator' | 'presenter' }
        const id = `invite-${++n}`
        const url = `https://podium.example/i/inv-${n}`
        invites.unshift({
          id,
          role,
          status: 'pending',
          createdAt: 10,
          expiresAt: 1_900_000_000_000,
          acceptedAt: null,
          acceptedBy: null,
          url,
        })
        return json({ id, invite: `inv-${n}`, url, expiresAt: 1_900_000_000_000 }, 201)
      }
      const revoke = /^\/invites\/(.+)$/.exec(path)
      if (method === 'DELETE' && revoke) {
        const invite = invites.find((i) => i.id === revoke[1])!
        Object.assign(invite, { status: 'revoked', url: null })
        if (invite.acceptedBy) {
          invite.acceptedBy.role = 'attendee'
          staff.splice(
            staff.findIndex((s) => s.userId === invite.acceptedBy?.userId),
            1,
          )
        }
        return new Response(null, { status: 204 })
      }
      const withdraw = /^\/staff\/(.+)$/.exec(path)
      if (method === 'DELETE' && withdraw) {
        staff.splice(
          staff.findIndex((s) => s.userId === withdraw[1]),
          1,
        )
        for (const invite of invites)
          if (invite.acceptedBy?.userId === withdraw[1]) {
            invite.status = 'revoked'
            invite.acceptedBy.role = 'attendee'
          }
        return new Response(null, { status: 204 })
      }
      return json({ type: 'about:blank', title: 'Not found', status: 404, detail: 'No.' }, 404)
    },
  })
  /** Someone opens a pending link and accepts it. */
  const accept = (id: string, name: string, userId: string) => {
    const invite = invites.find((i) => i.id === id)!
    Object.assign(invite, {
      status: 'accepted',
      acceptedAt: 20,
      acceptedBy: { userId, name, role: invite.role },
      url: null,
    })
    staff.push({ userId, name, role: invite.role, since: 20, inviteId: id })
  }
  return { api, requests, accept }
}

describe('staff and invites', () => {
  it('creates a link with the host token, and lists it from the server again after a reload', async () => {
    const server = fakeServer()
    const t = createTestRoom({ role: 'host' })
    const first = render(() => <InvitesPanel room={t.room} api={server.api} />)
    expect(await screen.findByText('Mia')).toBeTruthy()
    fireEvent.change(screen.getByLabelText('Role'), { target: { value: 'presenter' } })
    fireEvent.click(screen.getByRole('button', { name: 'Create invite link' }))
    const link = (await screen.findByDisplayValue(
      'https://podium.example/i/inv-1',
    )) as HTMLInputElement
    expect(link.readOnly).toBe(true)
    expect(server.requests).toContain('POST /api/sessions/session-1/invites Bearer token-1')
    expect(screen.getByText(/Presenter link, not used yet, valid until/)).toBeTruthy()

    // A reload: the page forgets, the server does not.
    first.unmount()
    render(() => <InvitesPanel room={t.room} api={server.api} />)
    expect(await screen.findByDisplayValue('https://podium.example/i/inv-1')).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Copy link' })).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Revoke' }))
    expect(await screen.findByText('Revoked')).toBeTruthy()
    expect(server.requests).toContain(
      'DELETE /api/sessions/session-1/invites/invite-1 Bearer token-1',
    )
    expect(screen.queryByRole('button', { name: 'Copy link' })).toBeNull()
  })

  it('shows who used each link and every staff member; withdrawing a role asks first', async () => {
    const server = fakeServer()
    const t = createTestRoom({ role: 'host' })
    render(() => <InvitesPanel room={t.room} api={server.api} />)
    fireEvent.click(await screen.findByRole('button', { name: 'Create invite link' }))
    await screen.findByDisplayValue('https://podium.example/i/inv-1')
    server.accept('invite-1', 'Ada', 'user-ada')
    // Accepting an invite moves the staff room on: the console reads the lists again.
    t.room.mod.setPeerRoom('room-2')
    expect(await screen.findByText(/Moderator link, used by/)).toBeTruthy()
    const rows = () => [...document.querySelectorAll('.staff-list li')].map((li) => li.textContent)
    expect(rows()).toEqual([
      expect.stringMatching(/^Mia \(you\)Host/),
      expect.stringMatching(/^AdaModerator/),
    ])

    const ada = document.querySelectorAll<HTMLElement>('.staff-list li')[1]!
    fireEvent.click(within(ada).getByRole('button', { name: 'Withdraw role…' }))
    expect(within(ada).getByText(/moderator role\? Their console closes at once/)).toBeTruthy()
    fireEvent.click(within(ada).getByRole('button', { name: 'Withdraw' }))
    await screen.findByText('Revoked')
    expect(rows()).toEqual([expect.stringMatching(/^Mia \(you\)Host/)])
    expect(server.requests).toContain(
      'DELETE /api/sessions/session-1/staff/user-ada Bearer token-1',
    )
    expect(document.querySelector('.invite-list')?.textContent).toMatch(/used by Ada/)
  })

  it('sends the link by e-mail when an address is given, and says what became of it', async () => {
    const bodies: unknown[] = []
    let emailed = true
    const api = createApi({
      attempts: 1,
      fetch: async (input, init) => {
        const path = String(input).replace('/api/sessions/session-1', '')
        if (init?.method === 'POST' && path === '/invites') {
          bodies.push(JSON.parse(String(init.body)))
          return json(
            {
              id: 'i-1',
              invite: 'inv-1',
              url: 'https://podium.example/i/inv-1',
              expiresAt: 2e12,
              emailed,
            },
            201,
          )
        }
        if (path === '/invites') return json({ invites: [] })
        return json({ staff: [] })
      },
    })
    const t = createTestRoom({ role: 'host' })
    render(() => <InvitesPanel room={t.room} api={api} />)
    const email = (await screen.findByLabelText('E-mail it to (optional)')) as HTMLInputElement
    fireEvent.input(email, { target: { value: 'not an address' } })
    fireEvent.click(screen.getByRole('button', { name: 'Create and send invite' }))
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Enter an e-mail address such as ada@example.org, or none.',
    )
    expect(bodies).toEqual([])
    fireEvent.input(email, { target: { value: ' Ada@Example.org ' } })
    fireEvent.click(screen.getByRole('button', { name: 'Create and send invite' }))
    await screen.findByText('The link is on its way to ada@example.org.')
    expect(bodies).toEqual([{ role: 'moderator', email: 'ada@example.org' }])
    expect(email.value).toBe('')

    emailed = false
    fireEvent.input(email, { target: { value: 'gone@example.org' } })
    fireEvent.click(screen.getByRole('button', { name: 'Create and send invite' }))
    expect((await screen.findByRole('alert')).textContent).toMatch(
      /^The link was made, but not mailed: gone@example\.org asked for no more invitations/,
    )
    // Without an address, only the link.
    fireEvent.click(screen.getByRole('button', { name: 'Create invite link' }))
    await expect.poll(() => bodies.length).toBe(3)
    expect(bodies[2]).toEqual({ role: 'moderator' })
  })

  it('shows the server’s reason when it refuses, and offers to try again', async () => {
    const api = createApi({
      attempts: 1,
      fetch: async () =>
        json(
          {
            type: 'about:blank',
            title: 'Forbidden',
            status: 403,
            detail: 'This needs the role host; your token has the role moderator.',
          },
          403,
        ),
    })
    const t = createTestRoom({ role: 'host' })
    render(() => <InvitesPanel room={t.room} api={api} />)
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('This needs the role host')
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeTruthy()
  })
})
