import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signInByEmail } from '../../test-support/accounts.ts'
import { type Inbox, startInbox } from '../../test-support/mail.ts'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'
import { EventLog } from '../src/events/log.ts'
import type { EventDraft } from '../src/events/types.ts'

// An alert in a session a signed-in host owns reaches them by mail through the
// notifications queue, once when it fires and once when it recovers.

describe('alerts notify the host', () => {
  let server: TestPodium
  let inbox: Inbox
  const email = `alerted-${Date.now()}@example.org`

  beforeAll(async () => {
    inbox = await startInbox()
    server = await startPodium({ SMTP_URL: inbox.url })
  })
  afterAll(async () => {
    await server?.close()
    await inbox?.close()
  })

  it('[AN-16] a participation drop mails the host once, and its recovery once', async () => {
    const host = await signInByEmail(server.url, inbox, email)
    const created = await request<{ id: string }>(`${server.url}/api/sessions`, {
      token: host.accessToken,
      body: { title: 'Town hall' },
    })
    expect(created.status).toBe(201)
    const sessionId = created.body.id
    const { db, events } = server.podium.services
    const now = Date.now()
    const e = (type: 'participant.joined' | 'participant.left', userId: string, s: number) =>
      ({ type, userId, sessionId, at: now + s * 1_000 }) as EventDraft
    const store = async (drafts: EventDraft[]) => {
      await db.kysely.transaction().execute((trx) => new EventLog(db).append(trx, drafts))
      events.committed()
    }
    const people = ['p-a', 'p-b', 'p-c', 'p-d', 'p-e', 'p-f']
    await store([
      ...people.map((p, i) => e('participant.joined', p, i)),
      ...['p-b', 'p-c', 'p-d'].map((p, i) => e('participant.left', p, 10 + i)),
    ])
    const fired = await inbox.next(email)
    expect(fired.subject).toBe(
      '"Town hall": Participation fell by half: 3 present now, down from 6 in the last 5 minutes.',
    )
    expect(fired.text).toContain(`/s/${sessionId}/analytics`)
    // A fourth leaving changes nothing: the alert is open already.
    await store([e('participant.left', 'p-e', 14), e('participant.joined', 'p-b', 20)])
    await store([e('participant.joined', 'p-c', 21)])
    const recovered = await inbox.next(email)
    expect(recovered.subject).toBe(
      '"Town hall": Participation has recovered: more than half of the peak is present again.',
    )
    const queued = await db.kysely
      .selectFrom('notifications')
      .select(['kind', 'status'])
      .where('kind', '=', 'alert')
      .execute()
    expect(queued).toHaveLength(2)
  })
})
