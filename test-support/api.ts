// A session's people made over the HTTP API, as a client would: the host, attendees and
// invited staff. Used by the tests of every package.
import { request } from './podium.ts'

export interface Joined {
  sessionId: string
  userId: string
  token: string
  role: string
}

/** Creates a session over the API; returns its ids and the host's identity. */
export async function createSession(
  url: string,
  body: Record<string, unknown> = { title: 'Test session' },
) {
  const res = await request<{ id: string; code: string; hostToken: string; hostUserId: string }>(
    `${url}/api/sessions`,
    {
      body,
    },
  )
  if (res.status !== 201)
    throw new Error(`create session: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}

export async function join(url: string, code: string, name?: string): Promise<Joined> {
  const res = await request<Joined>(`${url}/api/join`, {
    body: { code, ...(name ? { name } : {}) },
  })
  if (res.status !== 200) throw new Error(`join: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}

/** The host invites someone to `role`, and they accept: their identity and the invite's id. */
export async function acceptedInvite(
  url: string,
  session: { id: string; hostToken: string },
  role: 'moderator' | 'presenter',
  name: string,
) {
  const created = await request<{ id: string; invite: string }>(
    `${url}/api/sessions/${session.id}/invites`,
    { token: session.hostToken, body: { role } },
  )
  if (created.status !== 201) throw new Error(`invite: ${created.status}`)
  const accepted = await request<{ userId: string; token: string }>(`${url}/api/invites/accept`, {
    body: { invite: created.body.invite, name },
  })
  if (accepted.status !== 200) throw new Error(`accept: ${accepted.status}`)
  return { sessionId: session.id, inviteId: created.body.id, ...accepted.body }
}

/** A real client: one multiplexed socket, a provider per document, as the browser has. */
