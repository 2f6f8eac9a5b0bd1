import { documentName, PREVIEW_QUESTIONS, PublicDoc, RoomPreview } from '@podium/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'
import { PREVIEW_TTL_MS } from '../src/api/preview.ts'
import { createSession, join, TestClient, waitFor } from './helpers/clients.ts'

let server: TestPodium
const clients: TestClient[] = []
beforeAll(async () => {
  server = await startPodium()
})
afterAll(async () => {
  for (const c of clients) c.destroy()
  await server.close()
})

async function attendee(code: string, name: string): Promise<TestClient> {
  const client = new TestClient(server.syncUrl, await join(server.url, code, name))
  clients.push(client)
  await client.synced()
  return client
}

async function preview(sessionId: string, token: string): Promise<RoomPreview> {
  const res = await request(`${server.url}/api/sessions/${sessionId}/preview`, { token })
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  expect(res.headers.get('cache-control')).toBe('private, no-store')
  return RoomPreview.strict().parse(res.body)
}

describe('GET /api/sessions/:id/preview', () => {
  it('gives the top of the Popular list with counts, badges and whose each question is', async () => {
    const session = await createSession(server.url, { title: 'All hands' })
    const ann = await attendee(session.code, 'Ann')
    const bob = await attendee(session.code, 'Bob')
    const first = ann.outbox.ask('Why the office move?').questionId
    const second = bob.outbox.ask('When is the offsite?', true).questionId
    const hidden = bob.outbox.ask('Off topic').questionId
    await waitFor(() => ann.public.questions().length === 3, 10_000, 'three questions published')
    ann.outbox.vote(second, true)
    bob.outbox.reply(first, 'Same question here')
    await waitFor(
      () => ann.public.voteCount(second) === 1 && ann.public.replies(first).length === 1,
      10_000,
      'the vote counted and the reply published',
    )
    await server.podium.services.docs.change(documentName.public(session.id), (doc) =>
      new PublicDoc(doc).updateQuestion(hidden, { status: 'hidden' }),
    )

    const seen = await preview(session.id, ann.identity.token)
    expect(seen.title).toBe('All hands')
    expect(seen.total).toBe(2)
    expect(seen.spotlightQuestionId).toBeNull()
    expect(seen.questions).toEqual([
      {
        id: second,
        text: 'When is the offsite?',
        authorName: null,
        votes: 1,
        answered: false,
        pinned: false,
        edited: false,
        replies: 0,
        mine: false,
      },
      {
        id: first,
        text: 'Why the office move?',
        authorName: 'Ann',
        votes: 0,
        answered: false,
        pinned: false,
        edited: false,
        replies: 1,
        mine: true,
      },
    ])
    // The same ranking, addressed to Bob: the anonymous question is his.
    const bobs = await preview(session.id, bob.identity.token)
    expect(bobs.questions.map((q) => [q.id, q.mine])).toEqual([
      [second, true],
      [first, false],
    ])
    // The host sees it too.
    expect((await preview(session.id, session.hostToken)).total).toBe(2)
  })

  it('carries the first screenful of a long list and follows changes within a second', async () => {
    const session = await createSession(server.url, { title: 'Long list' })
    const ann = await attendee(session.code, 'Ann')
    const count = PREVIEW_QUESTIONS + 5
    await server.podium.services.docs.change(documentName.public(session.id), (doc) => {
      const pub = new PublicDoc(doc)
      for (let i = 0; i < count; i++) {
        pub.putQuestion({
          id: `question-${String(i).padStart(3, '0')}`,
          text: `Question ${i}`,
          authorId: 'someone',
          authorName: 'Someone',
          createdAt: 1_000 + i,
          editedAt: null,
          status: 'published',
          pinned: false,
          pinnedAt: null,
          answered: false,
          answeredAt: null,
          votes: i % 7,
          labels: [],
        })
      }
    })
    const seen = await preview(session.id, ann.identity.token)
    expect(seen.total).toBe(count)
    expect(seen.questions).toHaveLength(PREVIEW_QUESTIONS)
    const votes = seen.questions.map((q) => q.votes)
    expect(votes).toEqual([...votes].sort((a, b) => b - a))

    // Pinned goes first; a preview asked again shows it once the cached ranking is a second old.
    await server.podium.services.docs.change(documentName.public(session.id), (doc) =>
      new PublicDoc(doc).updateQuestion('question-000', { pinned: true, pinnedAt: 5 }),
    )
    const started = Date.now()
    let now = await preview(session.id, ann.identity.token)
    while (now.questions[0]?.id !== 'question-000') {
      expect(Date.now() - started).toBeLessThan(PREVIEW_TTL_MS + 2_000)
      await new Promise((r) => setTimeout(r, 100))
      now = await preview(session.id, ann.identity.token)
    }
    expect(now.questions[0]).toMatchObject({ pinned: true, votes: 0 })
  })
})
