import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join as joinPath } from 'node:path'
import { PublicDoc, type SessionExport, SessionExport as SessionExportSchema } from '@podium/shared'
import { parse as parseCsv } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'
import { auditLog, createSession, join, TestClient, waitFor } from './helpers/clients.ts'

const dataDir = mkdtempSync(joinPath(tmpdir(), 'podium-export-'))
let server: TestPodium
const clients: TestClient[] = []
beforeAll(async () => {
  server = await startPodium({}, { dataDir })
})
afterAll(async () => {
  for (const c of clients) c.destroy()
  await server.close()
  rmSync(dataDir, { recursive: true, force: true })
})

const api = (path: string) => `${server.url}/api${path}`

function client(identity: { sessionId: string; userId: string; token: string }, withMod = false) {
  const c = new TestClient(server.syncUrl, identity, {}, withMod)
  clients.push(c)
  return c
}

/** A session with something of everything: questions, votes, replies, labels, agenda, moderation. */
async function richSession() {
  const session = await createSession(server.url, { title: 'Quarterly all-hands' })
  const host = client(
    { sessionId: session.id, userId: session.hostUserId, token: session.hostToken },
    true,
  )
  const ann = client(await join(server.url, session.code, 'Ann'))
  const bob = client(await join(server.url, session.code, 'Bob, "the builder"'))
  await Promise.all([host.synced(), ann.synced(), bob.synced()])

  const q1 = ann.outbox.ask('What is the plan for Q3, "roughly"?\nSecond line.')
  await waitFor(() => host.public.hasQuestion(q1.questionId), 5000, 'q1')
  const q2 = bob.outbox.ask('=HYPERLINK("http://evil.example")', true)
  await waitFor(() => host.public.hasQuestion(q2.questionId), 5000, 'q2')
  ann.outbox.vote(q1.questionId, true)
  bob.outbox.vote(q1.questionId, true)
  bob.outbox.vote(q2.questionId, true)
  ann.outbox.reply(q1.questionId, 'Same question, plus hiring')
  await waitFor(() => host.public.question(q1.questionId)?.votes === 2, 5000, 'votes')
  await waitFor(() => host.public.replies(q1.questionId).length === 1, 5000, 'reply')

  host.public.putLabel({ id: 'label-roadmap', name: 'Roadmap', color: '#2255aa' })
  host.public.updateQuestion(q1.questionId, { labels: ['label-roadmap'], pinned: true })
  host.public.setAgenda([
    { id: 'agenda-intro', title: 'Intro', durationSec: 300 },
    { id: 'agenda-qa', title: 'Q&A', durationSec: 1200 },
  ])
  host.public.setStage({ currentItemId: 'agenda-qa', spotlightQuestionId: q1.questionId })
  host.mod.setNote(q1.questionId, 'Ask the CFO')
  host.mod.enqueue({
    id: 'pending-item-1',
    kind: 'question',
    questionId: null,
    text: 'Held for review',
    authorId: ann.identity.userId,
    authorName: 'Ann',
    createdAt: Date.now(),
    decision: null,
  })
  await auditLog(server.url, { id: session.id, token: session.hostToken }, (entries) =>
    entries.some((a) => a.action === 'label'),
  )
  await host.synced()
  return { session, host, q1, q2 }
}

/** An export's content with ids replaced by what they point at, to compare two sessions. */
function content(data: SessionExport) {
  const p = data.public
  const labelName = new Map(p.labels.map((l) => [l.id, l.name]))
  const questionText = new Map(p.questions.map((q) => [q.id, q.text]))
  const agendaTitle = new Map(p.agenda.map((a) => [a.id, a.title]))
  const byText = <T extends { text: string }>(list: T[]) =>
    [...list].sort((a, b) => a.text.localeCompare(b.text))
  return {
    meta: { title: p.meta.title, description: p.meta.description },
    settings: p.settings,
    agenda: p.agenda.map(({ id: _id, ...rest }) => rest),
    stage: {
      currentItem: p.stage.currentItemId && agendaTitle.get(p.stage.currentItemId),
      spotlight: p.stage.spotlightQuestionId && questionText.get(p.stage.spotlightQuestionId),
    },
    labels: p.labels.map(({ id: _id, ...rest }) => rest),
    questions: byText(p.questions).map(({ id: _id, authorId: _a, labels, ...rest }) => ({
      ...rest,
      labels: labels.map((l) => labelName.get(l)),
    })),
    replies: byText(p.replies).map(({ id: _id, authorId: _a, questionId, ...rest }) => ({
      ...rest,
      question: questionText.get(questionId),
    })),
    notes: Object.fromEntries(
      Object.entries(data.mod.notes).map(([id, text]) => [questionText.get(id), text]),
    ),
    queue: data.mod.queue.map(({ id: _id, authorId: _a, decision: _d, ...rest }) => rest),
    rejected: data.mod.rejected.length,
  }
}

describe('export', () => {
  it('exports JSON, CSV and the Yjs state of a session', async () => {
    const { session, q1 } = await richSession()

    const json = await request<SessionExport>(api(`/sessions/${session.id}/export.json`), {
      token: session.hostToken,
    })
    expect(json.status).toBe(200)
    expect(json.headers.get('content-type')).toMatch(/^application\/json/)
    expect(json.headers.get('content-disposition')).toMatch(
      new RegExp(`^attachment; filename="podium-${session.code}-\\d{4}-\\d{2}-\\d{2}\\.json"$`),
    )
    const data = SessionExportSchema.parse(json.body)
    expect(data.format).toBe('podium.session')
    expect(data.version).toBe(1)
    expect(data.public.questions).toHaveLength(2)
    expect(data.public.questions.find((q) => q.id === q1.questionId)?.votes).toBe(2)
    expect(data.mod.notes[q1.questionId]).toBe('Ask the CFO')
    expect(data.mod.queue.map((i) => i.text)).toEqual(['Held for review'])
    expect(data.mod.audit.length).toBeGreaterThan(0)

    const csv = await fetch(api(`/sessions/${session.id}/export.csv`), {
      headers: { authorization: `Bearer ${session.hostToken}` },
    })
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    const rows = parseCsv(await csv.text(), { columns: true }) as Array<Record<string, string>>
    expect(Object.keys(rows[0]!)).toEqual([
      'id',
      'text',
      'author',
      'votes',
      'status',
      'pinned',
      'answered',
      'labels',
      'created_at',
      'replies',
    ])
    expect(rows).toHaveLength(2)
    expect(rows[0]).toMatchObject({
      id: q1.questionId,
      text: 'What is the plan for Q3, "roughly"?\nSecond line.',
      author: 'Ann',
      votes: '2',
      status: 'published',
      pinned: 'true',
      answered: 'false',
      labels: 'Roadmap',
      replies: 'Ann: Same question, plus hiring',
    })
    expect(rows[0]!.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
    // Anonymous, and a formula a spreadsheet must not run.
    expect(rows[1]).toMatchObject({ author: 'anonymous', votes: '1', pinned: 'false' })
    expect(rows[1]!.text).toBe(`'=HYPERLINK("http://evil.example")`)

    const ydoc = await fetch(api(`/sessions/${session.id}/export.ydoc`), {
      headers: { authorization: `Bearer ${session.hostToken}` },
    })
    expect(ydoc.status).toBe(200)
    expect(ydoc.headers.get('content-type')).toBe('application/octet-stream')
    expect(ydoc.headers.get('content-disposition')).toMatch(/\.ydoc"$/)
    const doc = new Y.Doc()
    Y.applyUpdate(doc, new Uint8Array(await ydoc.arrayBuffer()))
    const fromState = new PublicDoc(doc).snapshot()
    expect({ ...fromState, participants: 0 }).toEqual({ ...data.public, participants: 0 })
  })

  it('lets a moderator export, not an attendee', async () => {
    const session = await createSession(server.url, { title: 'Who exports' })
    const attendee = await join(server.url, session.code)
    const res = await request<{ detail: string }>(api(`/sessions/${session.id}/export.csv`), {
      token: attendee.token,
    })
    expect(res.status).toBe(403)
    expect(res.body.detail).toMatch(/host or moderator/)
  })
})

describe('import', () => {
  it('round-trips a JSON export into a new session with the same content', async () => {
    const { session } = await richSession()
    const exported = await request<SessionExport>(api(`/sessions/${session.id}/export.json`), {
      token: session.hostToken,
    })
    const imported = await request<{
      id: string
      code: string
      hostToken: string
      hostUserId: string
      joinUrl: string
    }>(api('/sessions/import'), { body: exported.body })
    expect(imported.status).toBe(201)
    expect(imported.body.id).not.toBe(session.id)
    expect(imported.body.code).not.toBe(session.code)
    expect(imported.body.joinUrl).toMatch(new RegExp(`/j/${imported.body.code}$`))

    const again = await request<SessionExport>(api(`/sessions/${imported.body.id}/export.json`), {
      token: imported.body.hostToken,
    })
    expect(again.status).toBe(200)
    expect(content(again.body)).toEqual(content(exported.body))
    expect(again.body.public.meta).toMatchObject({ status: 'draft', code: imported.body.code })
    // New ids throughout.
    const oldIds = new Set(exported.body.public.questions.map((q) => q.id))
    for (const q of again.body.public.questions) expect(oldIds.has(q.id)).toBe(false)
    // The moderators' log says where the session came from.
    expect(again.body.mod.audit.at(-1)).toMatchObject({
      action: 'import-session',
      actorId: imported.body.hostUserId,
    })
  })

  it('keeps imported vote counts through the ingest recount, new votes and a restart', async () => {
    const { session, q1 } = await richSession()
    const exported = await request<SessionExport>(api(`/sessions/${session.id}/export.json`), {
      token: session.hostToken,
    })
    const imported = await request<{
      id: string
      code: string
      hostToken: string
      hostUserId: string
    }>(api('/sessions/import'), { body: exported.body })
    const text = exported.body.public.questions.find((q) => q.id === q1.questionId)!.text
    const voter = client(await join(server.url, imported.body.code, 'Cy'))
    await voter.synced()
    const question = voter.public.questions().find((q) => q.text === text)!
    expect(question.votes).toBe(2)
    // Loading the session recounted from the database; the tally is still there.
    await server.podium.ingest.flush()
    expect(voter.public.question(question.id)?.votes).toBe(2)
    voter.outbox.vote(question.id, true)
    await waitFor(() => voter.public.question(question.id)?.votes === 3, 5000, 'new vote added')
    voter.outbox.vote(question.id, false)
    await waitFor(() => voter.public.question(question.id)?.votes === 2, 5000, 'vote taken back')
    voter.outbox.vote(question.id, true)
    await waitFor(() => voter.public.question(question.id)?.votes === 3, 5000, 'voted again')
    voter.destroy()

    for (const c of clients.splice(0)) c.destroy()
    await server.close()
    server = await startPodium({}, { dataDir })
    const host = client({
      sessionId: imported.body.id,
      userId: imported.body.hostUserId,
      token: imported.body.hostToken,
    })
    await host.synced()
    await server.podium.ingest.flush()
    await waitFor(
      () => host.public.questions().find((q) => q.text === text)?.votes === 3,
      5000,
      'count after restart',
    )
  })
})
