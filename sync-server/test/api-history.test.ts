import type { CheckpointSummary, RestoreResponse } from '@podium/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request, startPodium, type TestPodium } from '../../test-support/podium.ts'
import { RETENTION } from '../src/history/checkpoints.ts'
import { auditLog, createSession, join, TestClient, waitFor } from './helpers/clients.ts'

let server: TestPodium
const clients: TestClient[] = []
beforeAll(async () => {
  server = await startPodium({ CHECKPOINT_DEBOUNCE_MS: '100', CHECKPOINT_INTERVAL_MS: '400' })
})
afterAll(async () => {
  for (const c of clients) c.destroy()
  await server.close()
})

const api = (path: string) => `${server.url}/api${path}`

function client(identity: { sessionId: string; userId: string; token: string }, withMod = false) {
  const c = new TestClient(server.syncUrl, identity, {}, withMod)
  clients.push(c)
  return c
}

async function checkpoints(sessionId: string, token: string): Promise<CheckpointSummary[]> {
  const res = await request<CheckpointSummary[]>(api(`/sessions/${sessionId}/checkpoints`), {
    token,
  })
  expect(res.status).toBe(200)
  return res.body
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function reasons(sessionId: string, token: string): Promise<string[]> {
  return (await checkpoints(sessionId, token)).map((c) => c.reason)
}

/** Polls an async check until it holds (or fails after `timeoutMs`). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`still not true after ${timeoutMs} ms`)
    await sleep(50)
  }
}

async function manualCheckpoint(sessionId: string, token: string): Promise<CheckpointSummary> {
  const res = await request<CheckpointSummary>(api(`/sessions/${sessionId}/checkpoints`), {
    method: 'POST',
    token,
  })
  expect(res.status).toBe(201)
  return res.body
}

async function restore(sessionId: string, checkpointId: string, token: string) {
  const res = await request<RestoreResponse>(
    api(`/sessions/${sessionId}/checkpoints/${checkpointId}/restore`),
    { token, body: {} },
  )
  expect(res.status).toBe(200)
  return res.body
}

describe('checkpoints', () => {
  it('restores a checkpoint as a new change that connected clients receive', async () => {
    const session = await createSession(server.url, { title: 'History' })
    const host = client(
      { sessionId: session.id, userId: session.hostUserId, token: session.hostToken },
      true,
    )
    const ann = client(await join(server.url, session.code, 'Ann'))
    await Promise.all([host.synced(), ann.synced()])

    // The state to come back to.
    host.public.setAgenda([{ id: 'agenda-intro', title: 'Intro', durationSec: 300 }])
    host.public.putLabel({ id: 'label-ops', name: 'Ops', color: '#225522' })
    const q1 = ann.outbox.ask('Where are the slides?')
    await waitFor(() => host.public.hasQuestion(q1.questionId), 5000, 'q1')
    ann.outbox.reply(q1.questionId, 'And the recording?')
    ann.outbox.vote(q1.questionId, true)
    await waitFor(() => host.public.replies(q1.questionId).length === 1, 5000, 'reply')
    await waitFor(() => host.public.question(q1.questionId)?.votes === 1, 5000, 'vote')
    host.public.updateQuestion(q1.questionId, { labels: ['label-ops'] })
    await host.synced()
    await waitFor(() => ann.public.question(q1.questionId)?.labels.length === 1, 5000, 'label')
    const wanted = ann.public.snapshot()
    const saved = await manualCheckpoint(session.id, session.hostToken)
    expect(saved.reason).toBe('manual')

    // Changes after it, by staff, attendees and the API.
    host.public.updateQuestion(q1.questionId, { text: 'Edited by a moderator', pinned: true })
    host.public.removeLabel('label-ops')
    host.public.setAgenda([
      { id: 'agenda-intro', title: 'Intro (longer)', durationSec: 600 },
      { id: 'agenda-demo', title: 'Demo', durationSec: 900 },
    ])
    const reply = host.public.replies(q1.questionId)[0]!
    host.public.setReplyHidden(reply.id, true)
    const q2 = ann.outbox.ask('A question asked after the checkpoint')
    const bob = client(await join(server.url, session.code, 'Bob'))
    await bob.synced()
    bob.outbox.vote(q1.questionId, true)
    await waitFor(() => host.public.hasQuestion(q2.questionId), 5000, 'q2')
    await waitFor(() => host.public.question(q1.questionId)?.votes === 2, 5000, 'second vote')
    const patched = await request(api(`/sessions/${session.id}/settings`), {
      method: 'PATCH',
      token: session.hostToken,
      body: { qaOpen: false, maxQuestionLength: 1000 },
    })
    expect(patched.status).toBe(200)
    await host.synced()
    await waitFor(() => !ann.public.settings().qaOpen, 5000, 'settings changed')

    // Restore: Ann, connected throughout, gets the old content as an update.
    const annDoc = ann.provider('public').document
    let updates = 0
    annDoc.on('update', () => {
      updates++
    })
    const result = await restore(session.id, saved.id, session.hostToken)
    expect(result.restored).toBe(saved.id)
    expect(result.before.reason).toBe('before-restore')
    await auditLog(server.url, { id: session.id, token: session.hostToken }, (entries) =>
      entries.some((a) => a.action === 'restore-checkpoint' && a.targetId === saved.id),
    )
    await waitFor(() => !ann.public.hasQuestion(q2.questionId), 5000, 'restore reaches Ann')
    expect(ann.provider('public').document).toBe(annDoc)
    expect(updates).toBeGreaterThan(0)
    const restored = ann.public.snapshot()
    expect(restored.agenda).toEqual(wanted.agenda)
    expect(restored.labels).toEqual(wanted.labels)
    expect(restored.settings).toEqual(wanted.settings)
    expect(restored.replies).toEqual(wanted.replies)
    expect(restored.meta).toEqual(wanted.meta)
    // Votes follow the votes table: Bob's vote still counts.
    expect(restored.questions).toEqual(
      wanted.questions.map((q) => (q.id === q1.questionId ? { ...q, votes: 2 } : q)),
    )
    // The sessions row follows the restored settings.
    const row = await server.podium.services.db.kysely
      .selectFrom('sessions')
      .select('settings')
      .where('id', '=', session.id)
      .executeTakeFirstOrThrow()
    expect(JSON.parse(row.settings)).toEqual(wanted.settings)

    // Nothing was lost: the state before the restore is a checkpoint, and restoring it undoes.
    const list = await checkpoints(session.id, session.hostToken)
    expect(list.map((c) => c.id)).toEqual(expect.arrayContaining([saved.id, result.before.id]))
    await restore(session.id, result.before.id, session.hostToken)
    await waitFor(() => ann.public.hasQuestion(q2.questionId), 5000, 'undo reaches Ann')
    expect(ann.public.question(q1.questionId)?.text).toBe('Edited by a moderator')
    expect(ann.public.agenda().map((a) => a.title)).toEqual(['Intro (longer)', 'Demo'])
    expect(ann.public.settings().qaOpen).toBe(false)
  })

  it('lets moderators list checkpoints but only the host take or restore them', async () => {
    const session = await createSession(server.url, { title: 'Roles' })
    const invite = await request<{ invite: string }>(api(`/sessions/${session.id}/invites`), {
      token: session.hostToken,
      body: { role: 'moderator' },
    })
    const mod = await request<{ token: string }>(api('/invites/accept'), {
      body: { invite: invite.body.invite },
    })
    const saved = await manualCheckpoint(session.id, session.hostToken)
    expect(await checkpoints(session.id, mod.body.token)).toEqual([saved])
    const take = await request(api(`/sessions/${session.id}/checkpoints`), {
      method: 'POST',
      token: mod.body.token,
    })
    expect(take.status).toBe(403)
    const undo = await request(api(`/sessions/${session.id}/checkpoints/${saved.id}/restore`), {
      method: 'POST',
      token: mod.body.token,
    })
    expect(undo.status).toBe(403)
  })
})

describe('automatic checkpoints', () => {
  it('takes one when the status changes, even with nobody connected', async () => {
    const session = await createSession(server.url, { title: 'Status' })
    expect(await checkpoints(session.id, session.hostToken)).toEqual([])
    const res = await request(api(`/sessions/${session.id}/status`), {
      token: session.hostToken,
      body: { status: 'ended' },
    })
    expect(res.status).toBe(200)
    const list = await checkpoints(session.id, session.hostToken)
    expect(list.map((c) => c.reason)).toEqual(['status'])
  })

  it('takes one per burst of agenda changes, after the debounce', async () => {
    const session = await createSession(server.url, { title: 'Agenda' })
    const host = client({
      sessionId: session.id,
      userId: session.hostUserId,
      token: session.hostToken,
    })
    await host.synced()
    host.public.setAgenda([{ id: 'agenda-a', title: 'A', durationSec: 60 }])
    host.public.setAgenda([
      { id: 'agenda-a', title: 'A', durationSec: 60 },
      { id: 'agenda-b', title: 'B', durationSec: 60 },
    ])
    await host.synced()
    await eventually(async () => (await reasons(session.id, session.hostToken)).length > 0)
    await sleep(400)
    expect(await reasons(session.id, session.hostToken)).toEqual(['agenda'])
  })

  it('takes one every interval while live, and none when nothing changed', async () => {
    const session = await createSession(server.url, { title: 'Live' })
    const host = client({
      sessionId: session.id,
      userId: session.hostUserId,
      token: session.hostToken,
    })
    await host.synced()
    await request(api(`/sessions/${session.id}/status`), {
      token: session.hostToken,
      body: { status: 'live' },
    })
    const count = async (reason: string) =>
      (await reasons(session.id, session.hostToken)).filter((r) => r === reason).length
    await eventually(async () => (await count('status')) === 1)
    host.public.setMeta({ description: 'Now with a description' })
    await host.synced()
    await eventually(async () => (await count('interval')) === 1)
    // Quiet for three intervals: nothing new to keep.
    await sleep(1300)
    expect(await count('interval')).toBe(1)
    // Ending the session stops the interval.
    await request(api(`/sessions/${session.id}/status`), {
      token: session.hostToken,
      body: { status: 'ended' },
    })
    await eventually(async () => (await count('status')) === 2)
    host.public.setMeta({ description: 'Changed after the end' })
    await host.synced()
    await sleep(1000)
    expect(await count('interval')).toBe(1)
  })

  it('keeps the newest automatic checkpoints and one an hour of older ones, not every one', async () => {
    const session = await createSession(server.url, { title: 'Long day' })
    const host = client({
      sessionId: session.id,
      userId: session.hostUserId,
      token: session.hostToken,
    })
    await host.synced()
    // Six agenda changes more than RETENTION.recent, each one after the debounce (100 ms)
    // of the one before, so each makes a checkpoint of its own.
    for (let i = 0; i < RETENTION.recent + 6; i++) {
      host.public.setAgenda([{ id: 'agenda-item', title: `Item ${i}`, durationSec: 60 }])
      await host.synced()
      await sleep(180)
    }
    await sleep(400)
    await request(api(`/sessions/${session.id}/checkpoints`), {
      token: session.hostToken,
      body: {},
    })
    const kept = await checkpoints(session.id, session.hostToken)
    const automatic = kept.filter((c) => c.reason === 'agenda')
    // The newest 24, and the newest of each older hour (one, or two across an hour's turn).
    expect(automatic.length).toBeGreaterThanOrEqual(RETENTION.recent + 1)
    expect(automatic.length).toBeLessThanOrEqual(RETENTION.recent + 2)
    expect(kept.filter((c) => c.reason === 'manual')).toHaveLength(1)
  })
})
