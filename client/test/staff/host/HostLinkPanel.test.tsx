import { fireEvent, render, screen } from '@solidjs/testing-library'
import { describe, expect, it } from 'vitest'
import { HostLinkPanel } from '../../../src/staff/host/HostLinkPanel.tsx'
import { problem, scriptedServer } from '../../helpers/http.ts'
import { createTestRoom } from '../../helpers/room.tsx'

describe('the host link panel', () => {
  it('makes a new host link after asking, shown once with a copy button', async () => {
    const t = createTestRoom({ role: 'host' })
    const path = `/api/sessions/${t.room.sessionId}/host-link`
    const server = scriptedServer({
      [`POST ${path}`]: () => ({
        status: 201,
        body: { hostLink: `http://podium.test/h/${'C'.repeat(43)}`, issuedAt: 1 },
      }),
    })
    render(() => <HostLinkPanel room={t.room} api={server.api} />)
    expect(screen.getByText(/Yours was shown when the session was created/)).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Make a new host link' }))
    expect(screen.getByText(/stops working at once/)).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Make a new link' }))
    const input = (await screen.findByLabelText(
      'New host link (shown only now)',
    )) as HTMLInputElement
    expect(input.value).toBe(`http://podium.test/h/${'C'.repeat(43)}`)
    expect(screen.getByRole('button', { name: 'Copy' })).toBeTruthy()
    expect(screen.getByText('The link before it no longer works.')).toBeTruthy()
    expect(server.sent).toEqual([{ method: 'POST', path, body: null, token: t.room.token }])
  })

  it('says why when the server refuses', async () => {
    const t = createTestRoom({ role: 'host' })
    const server = scriptedServer({
      [`POST /api/sessions/${t.room.sessionId}/host-link`]: () => ({
        status: 403,
        body: problem(403, 'Only the host may do this.'),
      }),
    })
    render(() => <HostLinkPanel room={t.room} api={server.api} />)
    fireEvent.click(screen.getByRole('button', { name: 'Make a new host link' }))
    fireEvent.click(screen.getByRole('button', { name: 'Make a new link' }))
    expect((await screen.findByRole('alert')).textContent).toBe('Only the host may do this.')
  })
})
