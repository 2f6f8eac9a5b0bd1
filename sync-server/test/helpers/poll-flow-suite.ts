import {
  answerPoll,
  ModPolls,
  newPoll,
  type Poll,
  PublicPolls,
  pollAnswerEntryId,
  type Receipt,
} from '@podium/shared'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { request, type TestPodium } from '../../../test-support/podium.ts'
import { auditLog, createSession, join, TestClient, waitFor } from './clients.ts'

/**
 * Polls, quizzes and word clouds through outboxes (docs/polls.md), as tests registered in
 * the caller's `describe`, against whatever server `start` gives (SQLite or Postgres).
 */
export function pollFlowSuite(start: () => Promise<TestPodium>): void {
  let server: TestPodium
  const clients: TestClient[] = []
  beforeAll(async () => {
    server = await start()
  })
  afterAll(async () => {
    for (const c of clients) c.destroy()
    await server?.close()
  })

  function client(identity: { sessionId: string; userId: string; token: string }, withMod = false) {
    const c = new TestClient(server.syncUrl, identity, {}, withMod)
    clients.push(c)
    return c
  }

  async function room(people: string[]) {
    const session = await createSession(server.url)
    const host = client(
      { sessionId: session.id, userId: session.hostUserId, token: session.hostToken },
      true,
    )
    const joined = await Promise.all(people.map((name) => join(server.url, session.code, name)))
    const attendees = joined.map((j) => client(j))
    await Promise.all([host.synced(), ...attendees.map((a) => a.synced())])
    const polls = (c: TestClient) => new PublicPolls(c.provider('public').document)
    const create = (fields: Partial<Poll> & Pick<Poll, 'kind' | 'question'>) => {
      const poll = newPoll(fields)
      polls(host).putPoll(poll)
      return poll
    }
    const setStatus = (id: string, status: Poll['status']) => polls(host).updatePoll(id, { status })
    const answer = (c: TestClient, pollId: string, a: Parameters<typeof answerPoll>[2]) =>
      answerPoll(c.provider('outbox').document, pollId, a)
    const receipt = (c: TestClient, pollId: string): Receipt | undefined =>
      c.outbox.receipt(pollAnswerEntryId(pollId))
    const settled = (c: TestClient) =>
      waitFor(() => c.outbox.unsynced().length === 0, 15_000, 'answers receipted')
    return { session, host, attendees, polls, create, setStatus, answer, receipt, settled }
  }

  it('POLL-ANS-9: one answer per person, changeable while open, counted from the table', async () => {
    const r = await room(['Alice', 'Bob'])
    const [alice, bob] = r.attendees as [TestClient, TestClient]
    const poll = r.create({ kind: 'single', question: 'Lunch?', options: ['Pizza', 'Salad'] })
    r.setStatus(poll.id, 'open')
    await waitFor(() => r.polls(alice).results(poll.id).openedAt !== null, 15_000, 'opened')
    r.answer(alice, poll.id, { choices: [0] })
    r.answer(bob, poll.id, { choices: [0] })
    await waitFor(() => r.polls(r.host).results(poll.id).total === 2, 15_000, 'two answers')
    expect(r.polls(alice).results(poll.id).counts).toEqual([2, 0])
    r.answer(bob, poll.id, { choices: [1] })
    await waitFor(
      () => r.polls(alice).results(poll.id).counts.join() === '1,1',
      15_000,
      'changed answer',
    )
    r.answer(bob, poll.id, { choices: [1] })
    await r.settled(bob)
    expect(r.receipt(bob, poll.id)?.status).toBe('accepted')
    expect(r.polls(bob).results(poll.id)).toMatchObject({ total: 2, counts: [1, 1] })
    // POLL-RES-5: staff screens and the projector read the same results, live, from the
    // moderators' document.
    const staffResults = () => new ModPolls(r.host.provider('mod').document).liveResults(poll.id)
    await waitFor(() => staffResults()?.counts.join() === '1,1', 15_000, 'staff results')
    expect(staffResults()).toEqual(r.polls(r.host).results(poll.id))
    const rows = await server.podium.services.db.kysely
      .selectFrom('poll_answers')
      .selectAll()
      .where('session_id', '=', r.session.id)
      .execute()
    expect(rows).toHaveLength(2)
    const events = await server.podium.services.db.kysely
      .selectFrom('domain_events')
      .select(['type'])
      .where('session_id', '=', r.session.id)
      .where('type', '=', 'poll.answered')
      .execute()
    // Alice, Bob, Bob's change; the repeat emits nothing.
    expect(events).toHaveLength(3)

    // POLL-EXP: the export holds the poll, its results and both answers; the CSV a row each.
    const auth = { headers: { authorization: `Bearer ${r.session.hostToken}` } }
    const exported = (await (
      await fetch(`${server.url}/api/sessions/${r.session.id}/export.json`, auth)
    ).json()) as { polls: Array<{ poll: Poll; answers: unknown[]; results: { counts: number[] } }> }
    expect(exported.polls).toHaveLength(1)
    expect(exported.polls[0]?.results.counts).toEqual([1, 1])
    expect(exported.polls[0]?.answers).toHaveLength(2)
    const csv = await (
      await fetch(`${server.url}/api/sessions/${r.session.id}/polls.csv`, auth)
    ).text()
    const lines = csv.trim().split('\n')
    expect(lines[0]).toBe('poll_id,question,kind,status,name,answer,answered_at,points,moderation')
    expect(
      lines
        .slice(1)
        .map((l) => l.split(',')[5])
        .sort(),
    ).toEqual(['Pizza', 'Salad'])
  })

  it('POLL-RES-1: a restored checkpoint brings back the polls as defined; answers stay counted', async () => {
    const r = await room(['Eve', 'Finn'])
    const [eve, finn] = r.attendees as [TestClient, TestClient]
    const poll = r.create({ kind: 'single', question: 'Coffee?', options: ['Yes', 'No'] })
    r.setStatus(poll.id, 'open')
    await waitFor(() => r.polls(eve).results(poll.id).openedAt !== null, 15_000, 'opened')
    const dropped = r.create({ kind: 'single', question: 'Stay late?', options: ['Yes', 'No'] })
    r.setStatus(dropped.id, 'open')
    await waitFor(() => r.polls(eve).results(dropped.id).openedAt !== null, 15_000, 'opened')
    r.answer(eve, poll.id, { choices: [0] })
    await waitFor(() => r.polls(r.host).results(poll.id).total === 1, 15_000, 'one answer')
    r.answer(finn, dropped.id, { choices: [1] })
    await waitFor(() => r.polls(r.host).results(dropped.id).total === 1, 15_000, 'one answer')
    const auth = { token: r.session.hostToken }
    const base = `${server.url}/api/sessions/${r.session.id}/checkpoints`
    const taken = await request<{ id: string }>(base, { ...auth, method: 'POST' })
    expect(taken.status).toBe(201)

    // After the checkpoint: the question reworded, a poll deleted, a new one, one more answer.
    r.polls(r.host).updatePoll(poll.id, { question: 'Coffee or tea?' })
    r.polls(r.host).removePoll(dropped.id)
    const later = r.create({ kind: 'rating', question: 'The talk?' })
    r.answer(finn, poll.id, { choices: [1] })
    await waitFor(() => r.polls(r.host).results(poll.id).total === 2, 15_000, 'two answers')
    // Seen by an attendee: the server has every change before the restore.
    await waitFor(
      () =>
        r.polls(eve).poll(later.id) !== undefined &&
        r.polls(eve).poll(dropped.id) === undefined &&
        r.polls(eve).poll(poll.id)?.question === 'Coffee or tea?',
      15_000,
      'the changes after the checkpoint',
    )

    const restored = await request(`${base}/${taken.body.id}/restore`, { ...auth, method: 'POST' })
    expect(restored.status).toBe(200)
    await waitFor(() => r.polls(eve).poll(later.id) === undefined, 15_000, 'the later poll gone')
    expect(r.polls(eve).poll(poll.id)?.question).toBe('Coffee?')
    // Both answers are kept, and the results count them both (not the checkpoint's one).
    await waitFor(
      () => r.polls(eve).results(poll.id).counts.join() === '1,1',
      15_000,
      'results from the answers kept',
    )
    expect(r.polls(eve).results(poll.id).total).toBe(2)
    // The deleted poll is back, its results counted again from the answer it kept.
    await waitFor(
      () => r.polls(eve).results(dropped.id).counts.join() === '0,1',
      15_000,
      'the deleted poll counted again',
    )
    const rows = await server.podium.services.db.kysely
      .selectFrom('poll_answers')
      .select('user_id')
      .where('session_id', '=', r.session.id)
      .execute()
    expect(rows).toHaveLength(3)
  })

  it('POLL-ANS-1..3: unknown, draft and closed polls refuse answers, with reasons', async () => {
    const r = await room(['Carol', 'Dan'])
    const [carol, dan] = r.attendees as [TestClient, TestClient]
    const draft = r.create({ kind: 'single', question: 'Draft?', options: ['A', 'B'] })
    r.answer(carol, 'no-such-poll', { choices: [0] })
    r.answer(carol, draft.id, { choices: [0] })
    await r.settled(carol)
    expect(r.receipt(carol, 'no-such-poll')).toMatchObject({ reason: 'poll-not-found' })
    expect(r.receipt(carol, draft.id)).toMatchObject({ reason: 'poll-not-open' })

    r.setStatus(draft.id, 'open')
    await waitFor(() => r.polls(dan).poll(draft.id)?.status === 'open', 15_000, 'open')
    r.answer(carol, draft.id, { choices: [1] })
    await waitFor(() => r.polls(dan).results(draft.id).total === 1, 15_000, 'counted')
    r.setStatus(draft.id, 'closed')
    await waitFor(() => r.polls(dan).results(draft.id).closedAt !== null, 15_000, 'closed')
    r.answer(dan, draft.id, { choices: [0] })
    await r.settled(dan)
    expect(r.receipt(dan, draft.id)).toMatchObject({ status: 'rejected', reason: 'poll-closed' })
    expect(r.polls(carol).results(draft.id)).toMatchObject({ total: 1, counts: [0, 1] })
    // Staff's poll changes are in the audit log, under the host's connection.
    const audit = await auditLog(
      server.url,
      { id: r.session.id, token: r.session.hostToken },
      (entries) => entries.some((a) => a.action === 'poll-closed'),
      15_000,
    )
    const actions = audit.filter((a) => a.targetId === draft.id).map((a) => a.action)
    expect(actions).toEqual(expect.arrayContaining(['create-poll', 'poll-open', 'poll-closed']))
    expect(audit.find((a) => a.action === 'poll-open')?.actorId).toBe(r.session.hostUserId)
  })

  it('POLL-ANS-5..8: out-of-range options, too many choices, empty and oversized text', async () => {
    const r = await room(['Erin'])
    const [erin] = r.attendees as [TestClient]
    const multi = r.create({
      kind: 'multiple',
      question: 'Pick two',
      options: ['A', 'B', 'C'],
      maxChoices: 2,
    })
    const text = r.create({ kind: 'text', question: 'Say something' })
    const rating = r.create({ kind: 'rating', question: 'Rate it' })
    const empty = r.create({ kind: 'text', question: 'Empty?' })
    for (const p of [multi, text, rating, empty]) r.setStatus(p.id, 'open')
    await waitFor(() => r.polls(erin).results(empty.id).openedAt !== null, 15_000, 'opened')
    r.answer(erin, multi.id, { choices: [0, 1, 2] })
    r.answer(erin, text.id, { text: 'x'.repeat(281) })
    r.answer(erin, rating.id, { rating: 6 })
    r.answer(erin, empty.id, { text: '   ' })
    await r.settled(erin)
    expect(r.receipt(erin, multi.id)?.reason).toBe('bad-answer')
    expect(r.receipt(erin, text.id)?.reason).toBe('too-long')
    expect(r.receipt(erin, rating.id)?.reason).toBe('bad-answer')
    expect(r.receipt(erin, empty.id)?.reason).toBe('empty-answer')
    r.answer(erin, multi.id, { choices: [3] })
    await r.settled(erin)
    expect(r.receipt(erin, multi.id)?.reason).toBe('bad-answer')
    r.answer(erin, multi.id, { choices: [0, 2] })
    r.answer(erin, rating.id, { rating: 4 })
    r.answer(erin, text.id, { text: '  Great talk  ' })
    await waitFor(() => r.polls(r.host).results(text.id).total === 1, 15_000, 'text counted')
    await waitFor(() => r.polls(r.host).results(multi.id).total === 1, 15_000, 'multi counted')
    expect(r.polls(r.host).results(multi.id).counts).toEqual([1, 0, 1])
    expect(r.polls(r.host).results(text.id).texts).toEqual([{ text: 'Great talk', name: null }])
    await waitFor(() => r.polls(r.host).results(rating.id).average === 4, 15_000, 'rating')
  })

  it('POLL-RES-2: results shown once closed are withheld until then', async () => {
    const r = await room(['Finn'])
    const [finn] = r.attendees as [TestClient]
    const poll = r.create({
      kind: 'single',
      question: 'Secret?',
      options: ['Y', 'N'],
      results: 'closed',
    })
    r.setStatus(poll.id, 'open')
    await waitFor(() => r.polls(finn).poll(poll.id)?.status === 'open', 15_000, 'open')
    r.answer(finn, poll.id, { choices: [1] })
    await waitFor(() => r.polls(finn).results(poll.id).total === 1, 15_000, 'counted')
    expect(r.polls(finn).results(poll.id)).toMatchObject({ hidden: true, counts: [] })
    r.setStatus(poll.id, 'closed')
    await waitFor(() => !r.polls(finn).results(poll.id).hidden, 15_000, 'shown')
    expect(r.polls(finn).results(poll.id).counts).toEqual([0, 1])
  })

  it('QUIZ-1..4: points by server time, the key kept from attendees until closed, leaderboard', async () => {
    const r = await room(['Gia', 'Hal', 'Ivy'])
    const [gia, hal, ivy] = r.attendees as [TestClient, TestClient, TestClient]
    const quizId = 'quiz-one'
    const q1 = r.create({
      kind: 'quiz',
      question: '2 + 2?',
      options: ['3', '4'],
      quizId,
      timeLimitSec: 5,
      points: 1000,
    })
    new ModPolls(r.host.provider('mod').document).setCorrect(q1.id, [1])
    r.setStatus(q1.id, 'open')
    await waitFor(() => r.polls(gia).results(q1.id).openedAt !== null, 15_000, 'opened')
    r.answer(gia, q1.id, { choices: [1] })
    r.answer(hal, q1.id, { choices: [0] })
    await r.settled(gia)
    await r.settled(hal)
    // The right answer is in the moderators' document only while the question runs.
    expect(r.polls(gia).results(q1.id).correct).toBeNull()
    // The server closes the question when its time is up; an answer after it is refused.
    await waitFor(() => r.polls(gia).poll(q1.id)?.status === 'closed', 20_000, 'closed by time')
    r.answer(ivy, q1.id, { choices: [1] })
    await r.settled(ivy)
    expect(r.receipt(ivy, q1.id)?.reason).toBe('poll-closed')
    await waitFor(() => r.polls(ivy).leaderboard(quizId) !== null, 15_000, 'leaderboard')
    const board = r.polls(ivy).leaderboard(quizId)
    expect(r.polls(ivy).results(q1.id).correct).toEqual([1])
    expect(board?.players).toBe(2)
    expect(board?.top[0]).toMatchObject({ rank: 1, name: 'Gia' })
    expect(board?.top[0]?.points).toBeGreaterThan(500)
    expect(board?.top[1]).toMatchObject({ rank: 2, name: 'Hal', points: 0 })
    const standing = await fetch(
      `${server.url}/api/sessions/${r.session.id}/quizzes/${quizId}/standing`,
      {
        headers: { authorization: `Bearer ${hal.identity.token}` },
      },
    )
    expect(standing.status).toBe(200)
    expect(await standing.json()).toEqual({ points: 0, rank: 2, players: 2 })
  })

  it('QUIZ-2: an answer after the time limit is refused and not counted', async () => {
    const r = await room(['Jo'])
    const [jo] = r.attendees as [TestClient]
    const q = r.create({
      kind: 'quiz',
      question: 'Late?',
      options: ['A', 'B'],
      quizId: 'quiz-two',
      timeLimitSec: 5,
    })
    r.setStatus(q.id, 'open')
    await waitFor(() => r.polls(jo).results(q.id).openedAt !== null, 15_000, 'opened')
    const openedAt = r.polls(jo).results(q.id).openedAt ?? 0
    // Written after the limit: refused whether it arrives before the server's close (too-late)
    // or after it (poll-closed); decide.test covers the first exactly.
    await waitFor(() => Date.now() > openedAt + 5_100, 15_000, 'time up')
    r.answer(jo, q.id, { choices: [0] })
    await r.settled(jo)
    expect(['too-late', 'poll-closed']).toContain(r.receipt(jo, q.id)?.reason)
    expect(r.polls(jo).results(q.id).total).toBe(0)
  })

  it('WORDS-1..3: up to three words, normalised and counted; a hidden word leaves the cloud', async () => {
    const r = await room(['Kim', 'Lee', 'Max'])
    const [kim, lee, max] = r.attendees as [TestClient, TestClient, TestClient]
    const cloud = r.create({ kind: 'words', question: 'One word for today' })
    r.setStatus(cloud.id, 'open')
    await waitFor(() => r.polls(kim).results(cloud.id).openedAt !== null, 15_000, 'opened')
    r.answer(kim, cloud.id, { text: '  Café  Crème!' })
    r.answer(lee, cloud.id, { text: 'café crème' })
    r.answer(max, cloud.id, { text: 'far too many words here' })
    await r.settled(max)
    expect(r.receipt(max, cloud.id)?.reason).toBe('bad-answer')
    r.answer(max, cloud.id, { text: 'Rude' })
    await waitFor(() => r.polls(r.host).results(cloud.id).total === 3, 15_000, 'three answers')
    expect(r.polls(r.host).results(cloud.id).words).toEqual([
      ['café crème', 2],
      ['rude', 1],
    ])
    new ModPolls(r.host.provider('mod').document).setWordHidden(cloud.id, 'rude', true)
    await waitFor(
      () => r.polls(kim).results(cloud.id).words.length === 1,
      15_000,
      'hidden word gone',
    )
    expect(r.polls(kim).results(cloud.id).words).toEqual([['café crème', 2]])
  })

  it('POLL-MOD-1..4: open text waits for a moderator when the session pre-moderates', async () => {
    const r = await room(['Ann', 'Ben', 'Cat'])
    const [ann, ben, cat] = r.attendees as [TestClient, TestClient, TestClient]
    r.host.public.setSettings({ preModeration: true })
    const poll = r.create({
      kind: 'text',
      question: 'What should we cover next?',
      anonymous: false,
    })
    const cloud = r.create({ kind: 'words', question: 'One word?' })
    r.setStatus(poll.id, 'open')
    r.setStatus(cloud.id, 'open')
    await waitFor(() => r.polls(cat).results(poll.id).openedAt !== null, 15_000, 'opened')
    await waitFor(() => r.polls(cat).results(cloud.id).openedAt !== null, 15_000, 'opened')

    // POLL-MOD-1: answers wait in the queue, receipted as pending, not in the results.
    r.answer(ann, poll.id, { text: 'Offline sync' })
    r.answer(ben, poll.id, { text: 'Buy my course' })
    r.answer(cat, poll.id, { text: 'First thought' })
    r.answer(cat, cloud.id, { text: 'Great' })
    for (const c of [ann, ben, cat]) await r.settled(c)
    for (const c of [ann, ben, cat]) expect(r.receipt(c, poll.id)?.status).toBe('pending')
    // Word clouds are not queued: moderators hide a word instead (WORDS-2).
    expect(r.receipt(cat, cloud.id)?.status).toBe('accepted')
    await waitFor(() => r.host.mod.queue().length === 3, 15_000, 'three in the queue')
    expect(r.polls(r.host).results(poll.id)).toMatchObject({ total: 0, texts: [] })
    const item = (text: string) => r.host.mod.queue().find((i) => i.text === text)
    expect(item('Offline sync')).toMatchObject({
      kind: 'poll-answer',
      pollId: poll.id,
      authorName: 'Ann',
    })

    // A changed answer replaces the one waiting: one item per person, the newest.
    r.answer(cat, poll.id, { text: 'Second thought' })
    await waitFor(() => item('Second thought') !== undefined, 15_000, 'changed answer queued')
    await waitFor(() => r.host.mod.queue().length === 3, 15_000, 'first thought dequeued')
    expect(item('First thought')).toBeUndefined()

    // POLL-MOD-3: approved, it counts; rejected, the author is told why.
    const decide = (id: string, action: 'approve' | 'reject', reason?: string) =>
      r.host.mod.decide(id, {
        action,
        ...(reason ? { reason } : {}),
        by: r.session.hostUserId,
        byName: 'Host',
        at: Date.now(),
      })
    decide(item('Offline sync')!.id, 'approve')
    decide(item('Buy my course')!.id, 'reject', 'No ads, please')
    decide(item('Second thought')!.id, 'approve')
    await waitFor(() => r.polls(ann).results(poll.id).total === 2, 15_000, 'two approved')
    expect(
      r
        .polls(ann)
        .results(poll.id)
        .texts.map((t) => t.text)
        .sort(),
    ).toEqual(['Offline sync', 'Second thought'])
    await waitFor(() => r.receipt(ann, poll.id)?.status === 'accepted', 15_000, 'ann accepted')
    await waitFor(() => r.receipt(ben, poll.id)?.status === 'rejected', 15_000, 'ben rejected')
    expect(r.receipt(ben, poll.id)).toMatchObject({
      reason: 'moderator-rejected',
      detail: 'No ads, please',
    })
    await waitFor(() => r.host.mod.queue().length === 0, 15_000, 'queue empty')
    expect(r.host.mod.rejected().map((i) => i.text)).toContain('Buy my course')

    // The same text again stays turned down; a new one waits again (POLL-MOD-2).
    r.answer(ben, poll.id, { text: 'Buy my course' })
    await r.settled(ben)
    expect(r.receipt(ben, poll.id)?.status).toBe('rejected')
    r.answer(ben, poll.id, { text: 'Testing' })
    await r.settled(ben)
    expect(r.receipt(ben, poll.id)?.status).toBe('pending')
    await waitFor(() => r.host.mod.queue().length === 1, 15_000, 'ben queued again')

    // POLL-MOD-4: the table keeps each answer's state; the export says it, counted once.
    const rows = await server.podium.services.db.kysely
      .selectFrom('poll_answers')
      .select(['answer'])
      .where('session_id', '=', r.session.id)
      .where('poll_id', '=', poll.id)
      .execute()
    expect(rows.map((x) => JSON.parse(x.answer).moderation ?? 'counted').sort()).toEqual([
      'counted',
      'counted',
      'pending',
    ])
    const auth = { headers: { authorization: `Bearer ${r.session.hostToken}` } }
    const exported = (await (
      await fetch(`${server.url}/api/sessions/${r.session.id}/export.json`, auth)
    ).json()) as {
      polls: Array<{ poll: Poll; answers: Array<{ text: string; moderation: string | null }> }>
    }
    const answers = exported.polls.find((p) => p.poll.id === poll.id)?.answers ?? []
    expect(answers.map((a) => [a.text, a.moderation]).sort()).toEqual([
      ['Offline sync', null],
      ['Second thought', null],
      ['Testing', 'pending'],
    ])

    // A restored checkpoint counts the results again from the table: still the two approved.
    const base = `${server.url}/api/sessions/${r.session.id}/checkpoints`
    const taken = await request<{ id: string }>(base, {
      token: r.session.hostToken,
      method: 'POST',
    })
    expect(taken.status).toBe(201)
    const restored = await request(`${base}/${taken.body.id}/restore`, {
      token: r.session.hostToken,
      method: 'POST',
    })
    expect(restored.status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 300))
    await waitFor(() => r.polls(ann).results(poll.id).total === 2, 15_000, 'still two')
    expect(r.polls(ann).results(poll.id).texts).toHaveLength(2)
  })

  it("POLL-ANS-10: an answer written into someone else's outbox is never counted", async () => {
    const r = await room(['Ned', 'Oz'])
    const [ned, oz] = r.attendees as [TestClient, TestClient]
    const poll = r.create({ kind: 'single', question: 'Forge?', options: ['A', 'B'] })
    r.setStatus(poll.id, 'open')
    await waitFor(() => r.polls(ned).poll(poll.id)?.status === 'open', 15_000, 'open')
    // Ned's token, Oz's outbox: refused, so nothing Ned writes there leaves his device.
    const forger = client({ ...ned.identity, userId: oz.identity.userId })
    answerPoll(forger.provider('outbox').document, poll.id, { choices: [1] })
    r.answer(ned, poll.id, { choices: [0] })
    await waitFor(() => r.polls(r.host).results(poll.id).total === 1, 15_000, 'own answer')
    await r.settled(ned)
    expect(r.polls(r.host).results(poll.id).counts).toEqual([1, 0])
    expect(oz.outbox.rawEntries()).toHaveLength(0)
  })
}
