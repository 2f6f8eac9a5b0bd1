import { gzipSync } from 'node:zlib'
import { PublicDoc } from '@podium/shared'
import * as Y from 'yjs'
import type { ChannelSpec } from '../client/channel.ts'
import { LightClient } from '../client/socket.ts'
import { until } from '../gen/control.ts'
import type { AttendeePlan } from '../gen/messages.ts'
import type { StepResult } from '../harness/context.ts'
import { Moderator } from '../harness/moderator.ts'
import { round } from '../harness/numbers.ts'
import { defineScenario, type Measured, type Step } from '../harness/scenario.ts'
import { newHistogram, recordMs, summarize } from '../stats/histogram.ts'
import { type RunningTarget, TargetKind } from '../targets/index.ts'
import { SyncType } from '../wire/frames.ts'
import { firstRender } from './chromium.ts'
import { type Anchor, type Built, buildLocally, buildOnPodium } from './late-join-build.ts'
import { storedRows } from './stored-rows.ts'

/** The session late joiners come to: built once on Podium, then given to the baselines. */
interface Session {
  built: Built | null
}

/**
 * Late join: a session with many questions, votes and replies. Podium builds it through
 * its real paths (moderator writes, votes through outboxes and the ingest); the
 * baselines are given the same document. Then new clients connect one after another
 * and are timed from connect to synced.
 */
export const lateJoin = defineScenario({
  name: 'late-join',
  points: (): Session[] => [{ built: null }],
  // Podium first: the document it builds is the one the baselines are given.
  targets: (plan) =>
    [...plan.targets].sort((a, b) =>
      a === TargetKind.podium ? -1 : b === TargetKind.podium ? 1 : 0,
    ),
  params: (_session, { lateJoin: { questions, votes, replies } }) => ({
    questions,
    votes,
    replies,
  }),
  announce: (kind, _session, { lateJoin: { questions, votes, replies } }) =>
    `late join: ${kind}, ${questions} questions, ${votes} votes, ${replies} replies`,
  measure: lateJoinStep,
  summary: ({ metrics: m }) =>
    `document ${m.encodedKb} KB, sync p50 ${m.syncP50} ms, p99 ${m.syncP99} ms${m.coldSyncMs ? `, cold ${m.coldSyncMs} ms` : ''}${m.firstRenderColdMs ? `, Chromium first render ${m.firstRenderColdMs} ms cold (live list ${m.liveListColdMs} ms), ${m.firstRenderOfflineMs} ms offline, ${m.liveChangeMainThreadMs} ms of main thread per live change` : ''}`,
})

async function lateJoinStep({
  ctx,
  target,
  track,
  point: session,
}: Step<Session>): Promise<Measured> {
  const podium = target.kind === TargetKind.podium
  const room = await target.newRoom('Late join')
  let extra: StepResult['metrics'] = {}
  // Someone stays in the room (the moderator, or the writer on a relay), so the
  // document is loaded when the late joiners come, as in a live session.
  let built: Built
  let anchor: Anchor
  if (podium) {
    const made = await buildOnPodium(ctx, target, room, track)
    built = made.built
    anchor = made.anchor
    extra = { ...built.fill }
  } else {
    built = session.built ?? buildLocally(ctx)
    const writer = await Moderator.connect(target, room)
    Y.applyUpdate(writer.doc, built.state)
    await writer.settled(writer.acks + 1)
    anchor = writer
  }
  session.built = built
  const people = await room.attendees(ctx.plan.lateJoin.newClients + 1)
  // The build's 1,000 voters have just left: their outboxes unload and are stored. The
  // late joiners come once that is over, not into a mass departure.
  if (podium) extra = { ...extra, ...(await settle(target)) }
  await track.startProfile()
  const warm = await timeJoins(target, people.slice(0, -1), built.state.byteLength)
  const profile = await track.stopProfile('late-join')
  anchor.close()
  if (podium) {
    if (target.dataDir) extra = { ...extra, ...storedRows(target.dataDir) }
    extra = { ...extra, ...(await coldJoin(target, people.at(-1)!)) }
    if (ctx.plan.lateJoin.chromium && room.code) {
      extra = { ...extra, ...(await firstRender(target, room, built.questions)) }
    }
  }
  return {
    metrics: {
      encodedBytes: built.state.byteLength,
      encodedKb: round(built.state.byteLength / 1024, 1),
      // For comparison: Yjs' v2 encoding, and what gzip makes of the v1 bytes.
      encodedV2Kb: round(Y.encodeStateAsUpdateV2(stateDoc(built.state)).byteLength / 1024, 1),
      gzipKb: round(gzipSync(built.state).byteLength / 1024, 1),
      ...composition(built.state),
      questionsInDoc: built.questions,
      repliesInDoc: built.replies,
      votesInDoc: built.votes,
      syncP50: warm.applied.p50,
      syncP99: warm.applied.p99,
      syncMax: warm.applied.max,
      frameP50: warm.frame.p50,
      frameP99: warm.frame.p99,
      stepBytes: warm.stepBytes,
      incompleteSyncs: warm.incomplete,
      ...extra,
    },
    ...(profile ? { profile } : {}),
  }
}

/**
 * What the document's size is made of: the same questions and replies written once into a
 * new document (no history of overwritten counts), and the questions alone without counts
 * or replies.
 */
function composition(state: Uint8Array): { historyFreeKb: number; questionsOnlyKb: number } {
  const source = new PublicDoc(stateDoc(state))
  const questions = source.questions()
  const kb = (doc: Y.Doc) => round(Y.encodeStateAsUpdate(doc).byteLength / 1024, 1)
  const fresh = new Y.Doc()
  const pub = new PublicDoc(fresh)
  fresh.transact(() => {
    for (const q of questions) pub.putQuestion({ ...q, votes: 0 })
  })
  const questionsOnlyKb = kb(fresh)
  fresh.transact(() => {
    pub.setVoteCounts(questions.map((q) => [q.id, q.votes]))
    for (const reply of source.replies()) pub.putReply(reply)
  })
  return { historyFreeKb: kb(fresh), questionsOnlyKb }
}

function stateDoc(state: Uint8Array): Y.Doc {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, state)
  return doc
}

interface JoinTimes {
  /** Connect until the sync step 2 frame arrived. */
  frame: ReturnType<typeof summarize>
  /** Connect until it is applied to the client's Y.Doc and every document synced. */
  applied: ReturnType<typeof summarize>
  /** The largest document a new client ended up with, and how many got less than the whole. */
  stepBytes: number
  incomplete: number
}

/** New clients one after another, each with a full replica of the public document. */
async function timeJoins(
  target: RunningTarget,
  people: AttendeePlan[],
  expectedBytes: number,
): Promise<JoinTimes> {
  const frame = newHistogram()
  const applied = newHistogram()
  let stepBytes = 0
  let incomplete = 0
  for (const plan of people) {
    const { client, started, frameAt } = openReplica(target, plan)
    const ok = await until(() => client.synced || client.closed || client.denied, 30_000, 1)
    if (ok && client.synced) {
      recordMs(frame, frameAt() - started)
      recordMs(applied, client.timeToSynced)
      const doc = client.channels[0]!.spec.doc
      const bytes = doc ? Y.encodeStateAsUpdate(doc).byteLength : 0
      stepBytes = Math.max(stepBytes, bytes)
      if (bytes < expectedBytes * 0.99) incomplete++
    } else incomplete++
    client.close()
    await new Promise((r) => setTimeout(r, 50))
  }
  return { frame: summarize(frame), applied: summarize(applied), stepBytes, incomplete }
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
/** Waits until only the session's shared documents are loaded, and a second more. */
async function settle(target: RunningTarget): Promise<StepResult['metrics']> {
  const started = performance.now()
  const settled = await until(async () => (await loadedDocuments(target)) <= 2, 30_000, 200)
  await new Promise((r) => setTimeout(r, 1_000))
  return {
    settledAfterMs: Math.round(performance.now() - started),
    settledDocuments: settled ? await loadedDocuments(target) : null,
  }
}

async function loadedDocuments(target: RunningTarget): Promise<number> {
  const text = await (await fetch(`${target.httpUrl}/metrics`)).text()
  const match = /^podium_sync_documents (\d+)/m.exec(text)
  return match ? Number(match[1]) : Number.NaN
}
