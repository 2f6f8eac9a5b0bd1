import { PublicDoc, type Reply } from '@podium/shared'
import * as Y from 'yjs'
import type { ChannelSpec } from '../client/channel.ts'
import { LightClient } from '../client/socket.ts'
import { until } from '../gen/control.ts'
import type { AttendeePlan } from '../gen/messages.ts'
import { benchQuestion } from '../gen/roles/publish.ts'
import type { VoteReport } from '../gen/roles/vote.ts'
import { newHistogram, recordMs, summarize } from '../stats/histogram.ts'
import { type RunningTarget, TargetKind } from '../targets/index.ts'
import { SyncType } from '../wire/frames.ts'
import { firstRender } from './chromium.ts'
import { mergeCounts } from './fanout.ts'
import {
  type Context,
  loadAverage,
  round,
  type StepResult,
  stoppedStep,
  withTarget,
} from './harness.ts'
import { Moderator, questionIds } from './setup.ts'

/** The document a late joiner receives, built once on Podium and replayed to the baselines. */
interface Built {
  state: Uint8Array
  questions: number
  replies: number
  votes: number
}

/**
 * Late join: a session with many questions, votes and replies. Podium builds it through
 * its real paths (moderator writes, votes through outboxes and the ingest); the
 * baselines are given the same document. Then new clients connect one after another
 * and are timed from connect to synced.
 */
export async function lateJoin(ctx: Context): Promise<StepResult[]> {
  const { questions, votes, replies } = ctx.plan.lateJoin
  const params = { questions, votes, replies }
  const results: StepResult[] = []
  let built: Built | null = null
  const order = [...ctx.plan.targets].sort((a, b) =>
    a === TargetKind.podium ? -1 : b === TargetKind.podium ? 1 : 0,
  )
  for (const kind of order) {
    ctx.log(`late join: ${kind}, ${questions} questions, ${votes} votes, ${replies} replies`)
    const result: StepResult = await withTarget(ctx, kind, async (target, track) => {
      const room = await target.newRoom('Late join')
      let extra: StepResult['metrics'] = {}
      if (kind === TargetKind.podium) {
        built = await buildOnPodium(ctx, target, room, track)
      } else {
        built ??= buildLocally(ctx)
        const writer = await Moderator.connect(target, room)
        Y.applyUpdate(writer.doc, built.state)
        await writer.settled(writer.acks + 1)
        writer.close()
      }
      const people = await room.attendees(ctx.plan.lateJoin.newClients + 1)
      const warm = await timeJoins(target, people.slice(0, -1))
      if (kind === TargetKind.podium) {
        extra = await coldJoin(target, people.at(-1)!)
        if (ctx.plan.lateJoin.chromium && room.code) {
          extra = { ...extra, ...(await firstRender(ctx, target, room.code, built!.questions)) }
        }
      }
      return {
        target: kind,
        params,
        metrics: {
          encodedBytes: built!.state.byteLength,
          encodedKb: round(built!.state.byteLength / 1024, 1),
          questionsInDoc: built!.questions,
          repliesInDoc: built!.replies,
          votesInDoc: built!.votes,
          syncP50: warm.applied.p50,
          syncP99: warm.applied.p99,
          syncMax: warm.applied.max,
          frameP50: warm.frame.p50,
          frameP99: warm.frame.p99,
          stepBytes: warm.stepBytes,
          ...extra,
        },
        server: null,
        generators: null,
        stopped: null,
        serverLog: track.serverLog(),
        loadAverage: loadAverage(),
      } satisfies StepResult
    }).catch((error: unknown) =>
      stoppedStep(kind, params, error instanceof Error ? error.message : String(error)),
    )
    results.push(result)
    const m = result.metrics
    ctx.log(
      result.stopped
        ? `  stopped: ${result.stopped}`
        : `  document ${m.encodedKb} KB, sync p50 ${m.syncP50} ms, p99 ${m.syncP99} ms${m.coldSyncMs ? `, cold ${m.coldSyncMs} ms` : ''}${m.firstRenderColdMs ? `, Chromium first render ${m.firstRenderColdMs} ms cold, ${m.firstRenderOfflineMs} ms offline` : ''}`,
    )
  }
  return results
}

async function buildOnPodium(
  ctx: Context,
  target: RunningTarget,
  room: Awaited<ReturnType<RunningTarget['newRoom']>>,
  track: Parameters<Parameters<typeof withTarget>[2]>[1],
): Promise<Built> {
  const { questions, votes, voters, replies } = ctx.plan.lateJoin
  const moderator = await Moderator.connect(target, room)
  const ids = questionIds('q', questions)
  await moderator.publish(ids)
  await addReplies(moderator, ids, replies)
  const people = await room.attendees(voters)
  const rate = Math.min(2_500, votes)
  const pool = track.pool('fill', people, ctx.plan.clientsPerGenerator, (slice, _i, of) => ({
    role: 'vote',
    params: {
      endpoint: target.endpoint,
      attendees: slice,
      connectRate: 1_000 / of,
      questionIds: ids,
      ratePerSecond: rate / of,
      durationMs: (votes / rate) * 1000,
      mode: 'podium',
      upOnly: true,
    },
  }))
  await pool.phase('ready', 180_000)
  pool.signal('go')
  const reports = await pool.phase<VoteReport>('report', (votes / rate) * 1000 + 120_000)
  pool.signal('close')
  const expected = Object.values(mergeCounts(reports.map((r) => r.tallies))).reduce(
    (a, b) => a + b,
    0,
  )
  const counted = () => new PublicDoc(moderator.doc).questions().reduce((n, q) => n + q.votes, 0)
  await until(() => counted() >= expected, 30_000, 100)
  const pub = new PublicDoc(moderator.doc)
  const built = {
    state: Y.encodeStateAsUpdate(moderator.doc),
    questions: pub.questions().length,
    replies: pub.replies().length,
    votes: counted(),
  }
  moderator.close()
  return built
}

async function addReplies(moderator: Moderator, ids: string[], count: number): Promise<void> {
  const before = moderator.acks
  let transactions = 0
  for (let i = 0; i < count; i += 50) {
    moderator.doc.transact(() => {
      for (let j = i; j < Math.min(count, i + 50); j++)
        moderator.pub.putReply(benchReply(j, ids[j % ids.length]!))
    })
    transactions++
  }
  await moderator.settled(before + transactions)
}

function benchReply(index: number, questionId: string): Reply {
  return {
    id: `r${index}x${questionId}`,
    questionId,
    text: `An answer from the host to ${questionId}, with a sentence or two of detail.`,
    authorId: 'bench-host',
    authorName: 'Host',
    authorRole: 'host',
    createdAt: Date.now(),
    hidden: false,
  }
}

/** Without Podium in the run: the same content written directly, tallies set in batches. */
function buildLocally(ctx: Context): Built {
  const { questions, votes, replies } = ctx.plan.lateJoin
  const doc = new Y.Doc()
  const pub = new PublicDoc(doc)
  const ids = questionIds('q', questions)
  for (let i = 0; i < ids.length; i += 50) {
    doc.transact(() => {
      for (const id of ids.slice(i, i + 50)) pub.putQuestion(benchQuestion(id, `Question ${id}`))
    })
  }
  doc.transact(() => {
    for (let j = 0; j < replies; j++) pub.putReply(benchReply(j, ids[j % ids.length]!))
  })
  const counts = new Map<string, number>()
  for (let v = 0; v < votes; v++) {
    const id = ids[Math.floor(Math.random() * ids.length)]!
    counts.set(id, (counts.get(id) ?? 0) + 1)
    if (v % 500 === 499) pub.setVoteCounts(counts)
  }
  pub.setVoteCounts(counts)
  return { state: Y.encodeStateAsUpdate(doc), questions, replies, votes }
}

interface JoinTimes {
  /** Connect until the sync step 2 frame arrived. */
  frame: ReturnType<typeof summarize>
  /** Connect until it is applied to the client's Y.Doc and every document synced. */
  applied: ReturnType<typeof summarize>
  stepBytes: number
}

/** New clients one after another, each with a full replica of the public document. */
async function timeJoins(target: RunningTarget, people: AttendeePlan[]): Promise<JoinTimes> {
  const frame = newHistogram()
  const applied = newHistogram()
  let stepBytes = 0
  for (const plan of people) {
    const { client, started, frameAt } = openReplica(target, plan)
    const ok = await until(() => client.synced || client.closed || client.denied, 30_000, 1)
    if (ok && client.synced) {
      recordMs(frame, frameAt() - started)
      recordMs(applied, client.timeToSynced)
      stepBytes = Math.max(
        stepBytes,
        client.channels[0]!.spec.doc
          ? Y.encodeStateAsUpdate(client.channels[0]!.spec.doc).byteLength
          : 0,
      )
    }
    client.close()
    await new Promise((r) => setTimeout(r, 50))
  }
  return { frame: summarize(frame), applied: summarize(applied), stepBytes }
}

function openReplica(target: RunningTarget, plan: AttendeePlan) {
  const doc = new Y.Doc()
  let frameAt = 0
  const channels: ChannelSpec[] = [{ name: plan.publicDoc, token: plan.token, doc }]
  if (plan.ownDoc)
    channels.push({ name: plan.ownDoc, token: plan.token, doc: new Y.Doc(), awareness: true })
  const started = performance.now()
  const client = new LightClient({
    wire: target.endpoint.wire,
    url: target.endpoint.url,
    channels,
    hooks: {
      onSync: (channel, syncType) => {
        if (channel.spec.doc === doc && syncType === SyncType.step2 && !frameAt)
          frameAt = performance.now()
      },
    },
  })
  return { client, started, frameAt: () => frameAt }
}

/** Podium only: nobody connected, the document unloaded; the next client loads it from storage. */
async function coldJoin(target: RunningTarget, plan: AttendeePlan): Promise<StepResult['metrics']> {
  const unloaded = await until(async () => (await loadedDocuments(target)) === 0, 15_000, 200)
  const { client } = openReplica(target, plan)
  await until(() => client.synced || client.closed || client.denied, 30_000, 1)
  const ms = client.synced ? round(client.timeToSynced, 1) : null
  client.close()
  return { coldSyncMs: unloaded ? ms : null }
}

/** Podium's `podium_sync_documents` gauge: documents loaded in memory. */
async function loadedDocuments(target: RunningTarget): Promise<number> {
  const text = await (await fetch(`${target.httpUrl}/metrics`)).text()
  const match = /^podium_sync_documents (\d+)/m.exec(text)
  return match ? Number(match[1]) : Number.NaN
}
