import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { documentName, PublicDoc, voteEntryId } from '@podium/shared'
import SQLite from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { startPodium, type TestPodium } from '../../test-support/podium.ts'
import { newQuestion } from '../src/ingest/decide.ts'
import { type IngestBatch, IngestRepository } from '../src/ingest/repository.ts'
import type { OfflineAction, QueueResult, SyncResult } from './fixtures/offline-client.ts'
import { createSession, join as joinSession, TestClient, waitFor } from './helpers/clients.ts'
import { Random } from './helpers/prng.ts'
import { freePort, lastJson, runScript, ServerProcess } from './helpers/processes.ts'

const CLIENT_SCRIPT = 'sync-server/test/fixtures/offline-client.ts'
const TOKEN_SECRET = 'nothing-lost-secret-nothing-lost-secret-00'

const dirs: string[] = []
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  dirs.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** Puts `count` published questions straight into the public document, as staff may. */
async function staffQuestions(host: TestClient, count: number, prefix: string): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(6, '0')}`)
  host.provider('public').document.transact(() => {
    for (const id of ids)
      host.public.putQuestion(
        newQuestion(id, `Question ${id}`, host.identity.userId, 'Host', Date.now()),
      )
  })
  return ids
}

describe('an outbox queued offline by one process and sent by the next', () => {
  let server: TestPodium
  beforeAll(async () => {
    server = await startPodium()
  })
  afterAll(async () => {
    await server?.close()
  })

  it('receipts each of 100 actions exactly once, and the server holds each once', async () => {
    const session = await createSession(server.url)
    const host = new TestClient(server.syncUrl, {
      sessionId: session.id,
      userId: session.hostUserId,
      token: session.hostToken,
    })
    await host.synced()
    const hostQuestions = await staffQuestions(host, 70, 'staffq')
    const olive = await joinSession(server.url, session.code, 'Olive')

    // 15 asks and 5 replies (the post allowance), 80 vote entries: one per question, some
    // toggled several times while offline so only their last state stands.
    const actions: OfflineAction[] = []
    for (let i = 0; i < 15; i++) actions.push({ type: 'ask', text: `Offline question ${i}` })
    for (let i = 0; i < 5; i++)
      actions.push({
        type: 'reply',
        question: i < 3 ? `ask:${i}` : hostQuestions[i]!,
        text: `Offline reply ${i}`,
      })
    const voteTargets = [...hostQuestions, ...Array.from({ length: 10 }, (_, i) => `ask:${i}`)]
    voteTargets.forEach((question, i) => {
      const finalUp = i % 3 !== 0
      if (i % 4 === 0)
        actions.push({ type: 'vote', question, up: true }, { type: 'vote', question, up: false })
      actions.push({ type: 'vote', question, up: finalUp })
    })

    const stateFile = join(tempDir('podium-offline-'), 'outbox.bin')
    const base = {
      SESSION_ID: session.id,
      USER_ID: olive.userId,
      TOKEN: olive.token,
      STATE_FILE: stateFile,
    }
    const unreachable = `ws://127.0.0.1:${await freePort()}/sync`
    const queued = lastJson<QueueResult>(
      await runScript(CLIENT_SCRIPT, {
        ...base,
        MODE: 'queue',
        SYNC_URL: unreachable,
        ACTIONS: JSON.stringify(actions),
      }),
    )
    expect(queued.entries).toHaveLength(100)
    expect(queued.asks).toHaveLength(15)
    // Nothing reached the server while that process lived.
    await server.podium.ingest.flush()
    expect(host.public.questions()).toHaveLength(70)

    const synced = lastJson<SyncResult>(
      await runScript(CLIENT_SCRIPT, {
        ...base,
        MODE: 'sync',
        SYNC_URL: server.syncUrl,
        SETTLE_MS: '600',
      }),
    )
    expect(Object.keys(synced.entries).sort()).toEqual([...queued.entries].sort())
    for (const id of queued.entries) {
      expect(synced.receiptWrites[id], `receipt writes for ${id}`).toBe(1)
      expect(synced.receipts[id], `receipt for ${id}`).toMatchObject({
        status: 'accepted',
        seq: synced.entries[id]!.seq,
      })
    }

    // The server has each ask once, each reply once, and tallies equal to Olive's last wishes.
    const expectedVotes = new Map<string, number>()
    for (const entry of Object.values(synced.entries))
      if (entry.type === 'vote') expectedVotes.set(entry.questionId!, entry.up ? 1 : 0)
    await waitFor(
      () => host.public.questions().every((q) => q.votes === (expectedVotes.get(q.id) ?? 0)),
      5000,
      'tallies reach the host',
    )
    const pub = host.public
    const olives = pub.questions().filter((q) => q.authorId === olive.userId)
    expect(olives.map((q) => q.id).sort()).toEqual([...queued.asks].sort())
    expect(pub.replies().filter((r) => r.authorId === olive.userId)).toHaveLength(5)
    expect(pub.questions()).toHaveLength(85)
    const db = server.podium.services.db.kysely
    const ingested = await db
      .selectFrom('ingested')
      .selectAll()
      .where('user_id', '=', olive.userId)
      .execute()
    expect(ingested).toHaveLength(20)
    const votes = await db
      .selectFrom('votes')
      .selectAll()
      .where('user_id', '=', olive.userId)
      .execute()
    expect(votes.map((v) => v.question_id).sort()).toEqual(
      [...expectedVotes]
        .filter(([, n]) => n === 1)
        .map(([q]) => q)
        .sort(),
    )

    // A third process with the same state replays everything: nothing changes twice.
    const before = JSON.stringify(pub.snapshot().questions)
    const replay = lastJson<SyncResult>(
      await runScript(CLIENT_SCRIPT, {
        ...base,
        MODE: 'sync',
        SYNC_URL: server.syncUrl,
        SETTLE_MS: '400',
      }),
    )
    expect(replay.receiptWrites).toEqual({})
    await server.podium.ingest.flush()
    expect(JSON.stringify(host.public.snapshot().questions)).toBe(before)
    host.destroy()
  }, 90_000)
  it('lets nothing the ingest decided reach a client before it is stored', async () => {
    // A crash between the two would leave clients holding receipts and tallies the
    // restarted server never had; read-only clients could not even give them back.
    const session = await createSession(server.url)
    const alice = new TestClient(
      server.syncUrl,
      await joinSession(server.url, session.code, 'Alice'),
    )
    const bob = new TestClient(server.syncUrl, await joinSession(server.url, session.code, 'Bob'))
    await Promise.all([alice.synced(), bob.synced()])
    const gate = holdCommits(
      (sessionId, batch) => sessionId === session.id && batch.decided.length > 0,
    )
    try {
      const { questionId } = alice.outbox.ask('Stored before anyone sees it?')
      await waitFor(() => gate.held() > 0, 5000, 'the decision is being stored')
      await new Promise((r) => setTimeout(r, 300))
      expect(bob.public.hasQuestion(questionId)).toBe(false)
      expect(alice.outbox.receipt(questionId)).toBeUndefined()
      gate.release()
      await waitFor(
        () =>
          bob.public.hasQuestion(questionId) &&
          alice.outbox.receipt(questionId)?.status === 'accepted',
        5000,
        'published and receipted once stored',
      )
    } finally {
      gate.release()
      gate.restore()
      alice.destroy()
      bob.destroy()
    }
  })

  it('stores what it decided once a failed store succeeds, and keeps serving', async () => {
    const session = await createSession(server.url)
    const alice = new TestClient(
      server.syncUrl,
      await joinSession(server.url, session.code, 'Alice'),
    )
    await alice.synced()
    const commit = IngestRepository.prototype.commit
    let failures = 0
    const spy = vi.spyOn(IngestRepository.prototype, 'commit').mockImplementation(async function (
      this: IngestRepository,
      sessionId,
      batch,
    ) {
      if (sessionId === session.id && batch.decided.length > 0 && failures < 2) {
        failures += 1
        throw new Error('the database is not answering')
      }
      return commit.call(this, sessionId, batch)
    })
    let questionId = ''
    try {
      questionId = alice.outbox.ask('Kept through a failed store?').questionId
      await waitFor(
        () => alice.outbox.receipt(questionId)?.status === 'accepted',
        10_000,
        'accepted after the store succeeds',
      )
      expect(failures).toBe(2)
    } finally {
      spy.mockRestore()
      alice.destroy()
    }
    // What was stored is what clients were shown: the question is in the stored document.
    const stored = await server.podium.services.store.load(documentName.public(session.id))
    const doc = new Y.Doc()
    Y.applyUpdate(doc, stored!)
    expect(new PublicDoc(doc).hasQuestion(questionId)).toBe(true)
  })

  it('takes up an outbox whose state failed to load once', async () => {
    const session = await createSession(server.url)
    const bob = await joinSession(server.url, session.code, 'Bob')
    const loadUser = IngestRepository.prototype.loadUser
    let failures = 0
    const spy = vi.spyOn(IngestRepository.prototype, 'loadUser').mockImplementation(async function (
      this: IngestRepository,
      sessionId,
      userId,
    ) {
      if (userId === bob.userId && failures < 1) {
        failures += 1
        throw new Error('the database is not answering')
      }
      return loadUser.call(this, sessionId, userId)
    })
    const client = new TestClient(server.syncUrl, bob)
    try {
      await client.synced()
      const { questionId } = client.outbox.ask('Taken up after a failed load?')
      await waitFor(
        () => client.outbox.receipt(questionId)?.status === 'accepted',
        10_000,
        'accepted after the load succeeds',
      )
      expect(failures).toBe(1)
    } finally {
      spy.mockRestore()
      client.destroy()
    }
  })

  it('keeps what a tick stored when its author reconnects while it is being stored', async () => {
    const session = await createSession(server.url)
    const host = new TestClient(server.syncUrl, {
      sessionId: session.id,
      userId: session.hostUserId,
      token: session.hostToken,
    })
    const alice = await joinSession(server.url, session.code, 'Alice')
    let client = new TestClient(server.syncUrl, alice)
    await Promise.all([host.synced(), client.synced()])
    const [questionId] = await staffQuestions(host, 1, 'reconq')
    await waitFor(() => client.public.hasQuestion(questionId!), 5000, 'question reaches Alice')

    const gate = holdCommits(
      (sessionId, batch, held) =>
        sessionId === session.id && batch.votesAdded.length > 0 && held === 0,
    )
    try {
      const outbox = client.provider('outbox').document
      client.outbox.vote(questionId!, true)
      await waitFor(() => gate.held() > 0, 5000, 'the vote is being stored')
      // Alice drops and comes back while the tick stores: her state is loaded again.
      client.destroy()
      await waitFor(
        () =>
          !server.podium.services.hocuspocus.documents.has(
            documentName.outbox(session.id, alice.userId),
          ),
        5000,
        'her outbox unloaded',
      )
      client = new TestClient(server.syncUrl, alice, { outbox })
      await client.synced()
      gate.release()
      await waitFor(() => host.public.question(questionId!)?.votes === 1, 5000, 'the vote counted')
      client.outbox.vote(questionId!, false)
      await waitFor(() => client.outbox.unsynced().length === 0, 5000, 'the unvote receipted')
      await waitFor(
        () => host.public.question(questionId!)?.votes === 0,
        5000,
        'the unvote counted',
      )
    } finally {
      gate.release()
      gate.restore()
      client.destroy()
      host.destroy()
    }
  })
})

describe('a server killed with SIGKILL in the middle of a vote storm', () => {
  const VOTERS = 6
  const QUESTIONS = 12
  let server: ServerProcess
  let dataDir: string
  beforeAll(async () => {
    dataDir = tempDir('podium-sigkill-')
    server = new ServerProcess(await freePort(), {
      DATA_DIR: dataDir,
      TOKEN_SECRET,
      INGEST_TICK_MS: '20',
      STORE_DEBOUNCE_MS: '200',
    })
    await server.start()
  })
  afterAll(async () => {
    await server?.stop('SIGTERM')
  })

  it('keeps every receipted vote, and ends with tallies equal to what voters last wanted', async () => {
    const session = await createSession(server.url)
    const host = new TestClient(server.syncUrl, {
      sessionId: session.id,
      userId: session.hostUserId,
      token: session.hostToken,
    })
    await host.synced()
    const questions = await staffQuestions(host, QUESTIONS, 'stormq')
    // The host's questions are stored before the storm (the store is debounced).
    await new Promise((r) => setTimeout(r, 600))

    const voters = await Promise.all(
      Array.from(
        { length: VOTERS },
        async (_, i) =>
          new TestClient(server.syncUrl, await joinSession(server.url, session.code, `Voter ${i}`)),
      ),
    )
    await Promise.all(voters.map((v) => v.synced()))
    // Receipts each voter saw while the first server process was alive: (question, seq).
    let killed = false
    const receiptedBeforeKill = voters.map(() => new Map<string, number>())
    voters.forEach((voter, i) => {
      voter.outbox.doc.getMap('receipts').observe((event) => {
        if (killed) return
        for (const key of event.keysChanged) {
          const receipt = voter.outbox.receipt(key)
          const entry = voter.outbox.entry(key)
          if (
            receipt?.status === 'accepted' &&
            entry?.type === 'vote' &&
            entry.seq === receipt.seq &&
            entry.up
          )
            receiptedBeforeKill[i]!.set(entry.questionId, receipt.seq)
        }
      })
    })

    const random = new Random(7_331)
    let storming = true
    const storm = Promise.all(
      voters.map(async (voter) => {
        while (storming) {
          const q = random.pick(questions)
          voter.outbox.vote(q, !voter.outbox.myVote(q))
          await new Promise((r) => setTimeout(r, 20 + random.int(20)))
        }
      }),
    )

    // Killed once enough votes are receipted to judge by (on a slow machine that takes
    // longer than the usual second), in the middle of the storm all the same.
    await waitFor(
      () => receiptedBeforeKill.reduce((n, m) => n + m.size, 0) > 10,
      30_000,
      'votes receipted before the kill',
    )
    await new Promise((r) => setTimeout(r, 200))
    await server.stop('SIGKILL')
    killed = true
    await new Promise((r) => setTimeout(r, 300))
    await server.start()
    await new Promise((r) => setTimeout(r, 1000))
    storming = false
    await storm

    await waitFor(
      () => voters.every((v) => v.provider('outbox').isSynced && v.outbox.unsynced().length === 0),
      60_000,
      'every vote receipted after the restart',
    ).catch((error) => {
      const state = voters.map((v) => ({
        user: v.identity.userId,
        auth: [...v.providers.values()].map((p) => [
          p.configuration.name.slice(-20),
          p.isAuthenticated,
          p.isSynced,
          p.unsyncedChanges,
        ]),
        status: v.socket.status,
        synced: v.provider('outbox').isSynced,
        unsynced: v.outbox.unsynced().map((e) => ({ e, receipt: v.outbox.receipt(e.id) })),
      }))
      throw new Error(
        `${(error as Error).message}\n${JSON.stringify(state)}\n${server.output.slice(-4000)}`,
      )
    })
    const truth = new Map(questions.map((q) => [q, 0]))
    for (const voter of voters)
      for (const q of questions) if (voter.outbox.myVote(q)) truth.set(q, truth.get(q)! + 1)
    const tallies = (doc: PublicDoc) => new Map(questions.map((q) => [q, doc.question(q)?.votes]))
    await waitFor(
      () =>
        [host, ...voters].every((c) =>
          questions.every((q) => c.public.question(q)?.votes === truth.get(q)),
        ),
      30_000,
      'every replica shows the true tallies',
    ).catch((error) => {
      // Which replicas disagree, and whether their public document is still connected.
      const wrong = [host, ...voters].flatMap((c) => {
        const off = questions
          .filter((q) => c.public.question(q)?.votes !== truth.get(q))
          .map((q) => `${q}: ${c.public.question(q)?.votes} (true ${truth.get(q)})`)
        const pub = c.provider('public')
        return off.length === 0
          ? []
          : [{ user: c.identity.userId, synced: pub.isSynced, status: c.socket.status, off }]
      })
      // What the table holds, and each voter's entry and receipt, for those questions.
      const off = new Set(wrong.flatMap((w) => w.off.map((o) => o.split(':')[0]!)))
      const db = new SQLite(join(dataDir, 'podium.sqlite'), { readonly: true })
      const stored = db
        .prepare('select question_id, user_id from votes where session_id = ?')
        .all(session.id) as Array<{ question_id: string; user_id: string }>
      db.close()
      const voterState = [...off].map((q) => ({
        q,
        stored: stored.filter((r) => r.question_id === q).map((r) => r.user_id),
        voters: voters.map((v) => ({
          user: v.identity.userId,
          entry: v.outbox.entry(voteEntryId(q)),
          receipt: v.outbox.receipt(voteEntryId(q)),
        })),
      }))
      throw new Error(
        `${(error as Error).message}\n${JSON.stringify(wrong)}\n${JSON.stringify(voterState)}\n${server.output.slice(-4000)}`,
      )
    })
    expect(tallies(host.public)).toEqual(truth)

    // Every vote must have been decided, and accepted (the storm stays inside the rates).
    for (const voter of voters)
      for (const q of questions) {
        const receipt = voter.outbox.receipt(voteEntryId(q))
        if (voter.outbox.entry(voteEntryId(q))) expect(receipt?.status).toBe('accepted')
      }

    for (const c of [host, ...voters]) c.destroy()
    await server.stop('SIGTERM')
    const db = new SQLite(join(dataDir, 'podium.sqlite'), { readonly: true })
    try {
      const rows = db
        .prepare('select question_id, user_id from votes where session_id = ?')
        .all(session.id) as Array<{ question_id: string; user_id: string }>
      const stored = new Map(
        questions.map((q) => [q, rows.filter((r) => r.question_id === q).length]),
      )
      expect(stored).toEqual(truth)
      // Each vote receipted before the kill, and not changed since, is still stored.
      voters.forEach((voter, i) => {
        for (const [q, seq] of receiptedBeforeKill[i]!) {
          const entry = voter.outbox.entry(voteEntryId(q))
          if (entry?.seq !== seq) continue
          expect(
            rows.some((r) => r.question_id === q && r.user_id === voter.identity.userId),
            `${q} by voter ${i}`,
          ).toBe(true)
        }
      })
      expect(receiptedBeforeKill.reduce((n, m) => n + m.size, 0)).toBeGreaterThan(10)
    } finally {
      db.close()
    }
  }, 150_000)
})

/**
 * Holds the ingest's database commits that `hold` picks (told how many are held so far)
 * until `release()`; the others go through.
 */
function holdCommits(hold: (sessionId: string, batch: IngestBatch, held: number) => boolean): {
  held(): number
  release(): void
  restore(): void
} {
  const commit = IngestRepository.prototype.commit
  let open = () => {}
  const gate = new Promise<void>((r) => {
    open = r
  })
  let held = 0
  const spy = vi.spyOn(IngestRepository.prototype, 'commit').mockImplementation(async function (
    this: IngestRepository,
    sessionId,
    batch,
  ) {
    if (hold(sessionId, batch, held)) {
      held += 1
      await gate
    }
    return commit.call(this, sessionId, batch)
  })
  return { held: () => held, release: () => open(), restore: () => spy.mockRestore() }
}
