import { ModDoc, OutboxDoc, type OutboxEntry, PublicDoc, type Reply } from '@podium/shared'
import { describe, expect, it } from 'vitest'
import { type Actor, voteOf, World, words } from './helpers/convergence-world.ts'
import { Random } from './helpers/prng.ts'

/**
 * Seeded random sessions: attendees ask, vote, edit, withdraw and reply; the host and a
 * moderator decide, pin, answer, hide and reply; people drop off and come back; the server
 * restarts once. Now and then an attendee's client writes a question or reply under an id
 * that is someone else's (a question's, a reply's, a queued item's, a staff reply's). At the
 * end every replica equals the server's, every tally and every question's fate follows from
 * what people did, every question and reply is its author's as written, and every entry
 * under someone else's id was refused. A failing seed becomes a named test below.
 *
 * SEEDS=5,6,7 and STEPS=300 in the environment run other seeds, or longer runs, locally.
 */

interface Ask {
  id: string
  author: Actor
}

/** A reply as its author wrote it. */
interface Written {
  id: string
  author: Actor
  text: string
  role: Reply['authorRole']
}

/** An entry written under an id that already belonged to someone else. */
interface Collision {
  actor: Actor
  id: string
  type: 'ask' | 'reply'
}

interface Run {
  world: World
  asks: Ask[]
  replies: Written[]
  collisions: Collision[]
  /**
   * Draws for staff replies and colliding ids, apart from the main stream, so the pinned
   * seeds below still make the moves they were pinned for.
   */
  side: Random
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Asks, edits and replies one attendee may write (the server allows 20 in a burst). */
const POST_ALLOWANCE = 17

function attendeeAct(random: Random, run: Run, a: Actor): void {
  const outbox = new OutboxDoc(a.docs.outbox)
  const view = new PublicDoc(a.docs.public)
  const mine = run.asks.filter((q) => q.author === a).map((q) => q.id)
  const visible = run.asks
    .map((q) => q.id)
    .filter((id) => view.question(id)?.status === 'published')
  const canPost = a.posts < POST_ALLOWANCE
  const kind = random.weighted({
    ask: canPost ? 3 : 0,
    vote: visible.length + mine.length > 0 ? 6 : 0,
    edit: canPost && mine.length > 0 ? 1.5 : 0,
    withdraw: mine.length > 0 ? 0.6 : 0,
    reply: canPost && visible.length > 0 ? 1.5 : 0,
    idle: 0.5,
  })
  switch (kind) {
    case 'ask': {
      const { questionId } = outbox.ask(
        `${a.name} asks: ${words(random, 3 + random.int(4))}`,
        random.chance(0.2),
      )
      run.asks.push({ id: questionId, author: a })
      a.posts += 1
      return
    }
    case 'vote': {
      const id = random.pick([...visible, ...mine])
      outbox.vote(id, !outbox.myVote(id))
      return
    }
    case 'edit':
      outbox.edit(random.pick(mine), `${a.name} edits: ${words(random, 4)}`)
      a.posts += 1
      return
    case 'withdraw':
      outbox.withdraw(random.pick(mine))
      return
    case 'reply': {
      const text = `${a.name} replies: ${words(random, 3)}`
      const id = outbox.reply(random.pick(visible), text)
      run.replies.push({ id, author: a, text, role: 'attendee' })
      a.posts += 1
      return
    }
    case 'idle':
      return
  }
}

/** Whether an author's entry has been decided (the id is the author's from then on). */
const receipted = (author: Actor, id: string) =>
  new OutboxDoc(author.docs.outbox).receipt(id) !== undefined

/**
 * What a modified client could write: a question or a reply under an id someone else's
 * question, reply or queued item already has (decided first, so the id is theirs).
 */
function collide(random: Random, run: Run, a: Actor): void {
  const view = new PublicDoc(a.docs.public)
  const shownReplies = new Set(view.replies().map((r) => r.id))
  const theirs = [
    ...run.asks.filter((q) => q.author !== a && receipted(q.author, q.id)).map((q) => q.id),
    ...run.replies
      .filter((r) => r.author !== a)
      .filter((r) => (r.role === 'attendee' ? receipted(r.author, r.id) : shownReplies.has(r.id)))
      .map((r) => r.id),
  ]
  const outbox = a.docs.outbox.getMap<OutboxEntry>('entries')
  const ids = theirs.filter((id) => !outbox.has(id))
  if (ids.length === 0) return
  const id = random.pick(ids)
  const visible = run.asks.map((q) => q.id).filter((q) => view.question(q)?.status === 'published')
  const base = { id, seq: 1, createdAt: Date.now() }
  if (visible.length === 0 || random.chance(0.5)) {
    const text = `${a.name} takes over ${id}`
    outbox.set(id, { ...base, type: 'ask', questionId: id, text, anonymous: false })
    run.collisions.push({ actor: a, id, type: 'ask' })
  } else {
    const questionId = random.pick(visible)
    const text = `${a.name} takes over reply ${id}`
    outbox.set(id, { ...base, type: 'reply', replyId: id, questionId, text, anonymous: false })
    run.collisions.push({ actor: a, id, type: 'reply' })
  }
}

/** A moderator's reply, written into the public document as the console does. */
function staffReply(random: Random, run: Run, m: Actor): void {
  const view = new PublicDoc(m.docs.public)
  const shown = run.asks.map((q) => q.id).filter((id) => view.hasQuestion(id))
  if (shown.length === 0) return
  const role = m.name === 'host' ? 'host' : 'moderator'
  const reply: Reply = {
    id: random.id('staffreply'),
    questionId: random.pick(shown),
    text: `${m.name} answers: ${words(random, 3)}`,
    authorId: m.identity.userId,
    authorName: m.name,
    authorRole: role,
    createdAt: Date.now(),
    hidden: false,
  }
  view.putReply(reply)
  run.replies.push({ id: reply.id, author: m, text: reply.text, role })
}

function moderatorAct(random: Random, run: Run, m: Actor): void {
  const view = new PublicDoc(m.docs.public)
  const mod = new ModDoc(m.docs.mod)
  const undecided = mod.queue().filter((item) => item.decision === null)
  const shown = run.asks.map((q) => view.question(q.id)).filter((q) => q !== undefined)
  const kind = random.weighted({
    decide: undecided.length > 0 ? 4 : 0,
    pin: shown.length > 0 ? 1 : 0,
    answer: shown.length > 0 ? 0.7 : 0,
    hide: shown.length > 0 ? 0.8 : 0,
    note: shown.length > 0 ? 0.4 : 0,
    idle: 0.5,
  })
  const now = Date.now()
  switch (kind) {
    case 'decide': {
      const item = random.pick(undecided)
      const approve = random.chance(0.75)
      mod.decide(item.id, {
        action: approve ? 'approve' : 'reject',
        ...(approve ? {} : { reason: 'Off topic' }),
        by: m.identity.userId,
        byName: m.name,
        at: now,
      })
      return
    }
    case 'pin': {
      const q = random.pick(shown)
      view.updateQuestion(q.id, { pinned: !q.pinned, pinnedAt: q.pinned ? null : now })
      return
    }
    case 'answer': {
      const q = random.pick(shown)
      view.updateQuestion(q.id, { answered: !q.answered, answeredAt: q.answered ? null : now })
      return
    }
    case 'hide': {
      const q = random.pick(shown)
      view.updateQuestion(q.id, { status: q.status === 'hidden' ? 'published' : 'hidden' })
      return
    }
    case 'note':
      mod.setNote(random.pick(shown).id, `note ${words(random, 2)}`)
      return
    case 'idle':
      return
  }
}

/**
 * Makes every tally computable from the outboxes alone: hidden questions are shown again,
 * and votes whose latest version was refused (their question was hidden, or not yet
 * published, when it arrived) are asked for once more.
 */
async function settle(run: Run): Promise<void> {
  const { world } = run
  await world.quiesce()
  const host = new PublicDoc(world.moderators[0]!.docs.public)
  for (const q of host.questions())
    if (q.status === 'hidden') host.updateQuestion(q.id, { status: 'published' })
  await world.quiesce()
  const pub = world.serverPublic
  for (const a of world.attendees) {
    const outbox = new OutboxDoc(a.docs.outbox)
    for (const q of pub.questions()) {
      const vote = voteOf(a, q.id)
      if (vote && outbox.receipt(vote.id)?.status === 'rejected') outbox.vote(q.id, vote.up)
    }
  }
  await world.quiesce()
}

/** What every replica must agree on once nothing is in flight. */
async function checkOutcome(run: Run): Promise<void> {
  const { world } = run
  expect(world.differences()).toEqual([])
  const pub = world.serverPublic
  const mod = world.serverMod

  // Tallies: each published question counts the attendees whose vote says up.
  for (const q of pub.questions()) {
    const up = world.attendees.filter((a) => voteOf(a, q.id)?.up === true)
    for (const a of world.attendees) {
      const vote = voteOf(a, q.id)
      if (vote)
        expect(
          new OutboxDoc(a.docs.outbox).receipt(vote.id)?.status,
          `${a.name} vote on ${q.id}`,
        ).toBe('accepted')
    }
    expect(q.votes, `tally of ${q.id}`).toBe(up.length)
  }
  const db = world.server.podium.services.db.kysely
  const rows = await db
    .selectFrom('votes')
    .select('question_id')
    .where('session_id', '=', world.sessionId)
    .execute()
  for (const q of pub.questions())
    expect(rows.filter((r) => r.question_id === q.id).length, `stored votes of ${q.id}`).toBe(
      q.votes,
    )

  // Each ask is published once, queued, refused or withdrawn, and its text is the last edit accepted.
  for (const { id, author } of run.asks) {
    const outbox = new OutboxDoc(author.docs.outbox)
    const items = outbox.items()
    const accepted = (type: string) =>
      items.filter(
        (i) =>
          i.entry.type === type &&
          'questionId' in i.entry &&
          i.entry.questionId === id &&
          i.receipt?.status === 'accepted',
      )
    const withdrawn = accepted('withdraw').length > 0
    const status = outbox.receipt(id)?.status
    const published = pub.hasQuestion(id)
    const queued = mod.pending(id) !== undefined
    const fate = withdrawn ? 'withdrawn' : status
    const where = published ? 'public' : queued ? 'queue' : 'nowhere'
    const expected = {
      withdrawn: 'nowhere',
      accepted: 'public',
      pending: 'queue',
      rejected: 'nowhere',
    }
    const history = () =>
      JSON.stringify({
        entries: items
          .filter(
            (i) => 'questionId' in i.entry && i.entry.questionId === id && i.entry.type !== 'vote',
          )
          .map((i) => [i.entry.type, i.entry.createdAt, i.receipt?.status, i.receipt?.reason]),
        preModeration: pub.settings().preModeration,
      })
    expect(where, `ask ${id} (${fate}) ${history()}`).toBe(expected[fate as keyof typeof expected])
    if (published || queued) {
      const edits = accepted('edit')
      const last = edits.at(-1)?.entry
      const text = published ? pub.question(id)!.text : mod.pending(id)!.text
      expect(text, `text of ${id} ${history()}`).toBe(
        last && 'text' in last ? last.text : (outbox.entry(id) as { text: string }).text,
      )
    }
  }

  // Attendees' replies belong to questions that are there (staff write theirs directly, and
  // one written to a question withdrawn meanwhile stays without it); an accepted reply is
  // shown while its question is.
  const replies = pub.replies()
  for (const r of replies.filter((r) => r.authorRole === 'attendee'))
    expect(pub.hasQuestion(r.questionId), `reply ${r.id} has its question`).toBe(true)
  for (const a of world.attendees) {
    for (const { entry, receipt } of new OutboxDoc(a.docs.outbox).items()) {
      if (entry.type !== 'reply' || receipt?.status !== 'accepted') continue
      expect(
        replies.some((r) => r.id === entry.replyId),
        `reply ${entry.replyId}`,
      ).toBe(pub.hasQuestion(entry.questionId))
    }
  }
  expect(mod.queue().every((i) => i.decision === null)).toBe(true)

  // Every reply is as its author wrote it, and named as they posted it.
  for (const r of replies) {
    const written = run.replies.find((w) => w.id === r.id)
    expect(written, `reply ${r.id} has an author`).toBeDefined()
    expect([r.text, r.authorRole, r.authorId], `reply ${r.id}`).toEqual([
      written!.text,
      written!.role,
      written!.author.identity.userId,
    ])
  }
  // Questions name their authors, or nobody when asked anonymously.
  for (const { id, author } of run.asks) {
    const entry = new OutboxDoc(author.docs.outbox).entry(id)
    const shown = pub.question(id) ?? mod.pending(id)
    if (shown && entry?.type === 'ask')
      expect(shown.authorId, `author of ${id}`).toBe(
        entry.anonymous ? null : author.identity.userId,
      )
  }
  // What was written under someone else's id was refused, and took nothing over (above).
  const staffReplies = new Set(run.replies.filter((r) => r.role !== 'attendee').map((r) => r.id))
  for (const { actor, id, type } of run.collisions) {
    const receipt = new OutboxDoc(actor.docs.outbox).receipt(id)
    // A staff reply goes with its question when that is withdrawn, and nothing keeps its
    // id (ING-ID-6): taken up after that, the id is free, and either outcome is right.
    if (staffReplies.has(id) && !pub.hasReply(id) && receipt?.status !== 'rejected') {
      expect(receipt, `${actor.name}'s ${type} under ${id} is decided`).toBeDefined()
      continue
    }
    expect(receipt?.status, `${actor.name}'s ${type} under ${id}`).toBe('rejected')
    const reasons = type === 'ask' ? ['id-taken'] : ['id-taken', 'not-found']
    expect(reasons, `${actor.name}'s ${type} under ${id}`).toContain(receipt?.reason)
  }
  // Votes never outnumber the people who could cast them.
  for (const q of pub.questions()) expect(q.votes).toBeLessThanOrEqual(world.attendees.length)
}

async function runSeed(seed: number, steps = 110): Promise<void> {
  const random = new Random(seed)
  const world = await World.open(4, random.chance(0.5))
  const run: Run = { world, asks: [], replies: [], collisions: [], side: new Random(seed + 7_919) }
  try {
    const restartAt = Math.floor(steps / 3) + random.int(Math.floor(steps / 3))
    for (let step = 0; step < steps; step++) {
      if (step === restartAt) await world.restart()
      const actor = random.pick(world.actors)
      if (random.chance(0.06)) {
        if (actor.client) world.disconnect(actor)
        else world.connect(actor)
        continue
      }
      if (actor.role === 'attendee') attendeeAct(random, run, actor)
      else moderatorAct(random, run, actor)
      if (run.side.chance(0.15)) {
        if (actor.role === 'attendee') collide(run.side, run, actor)
        else staffReply(run.side, run, actor)
      }
      if (random.chance(0.35)) await sleep(random.int(30))
    }
    await settle(run)
    await checkOutcome(run)
  } finally {
    await world.close()
  }
}

/**
 * Seeds that failed once, with what they found; the causes are also pinned as plain
 * scenarios in moderation-races.test.ts. (Timing still varies from run to run, so a seed
 * reproduces its failure often, not always, when the fix is taken out.)
 */
const PINNED: Array<[number, string]> = [
  [7, 'two moderators decided one queued question at once; both decisions were carried out'],
  [8, "a moderator's decision on an older copy undid the author's edit of a queued question"],
  [14, 'two edits queued in one tick shared a time; the older, carried out last, won'],
  [19, 'a reply approved after its question was withdrawn was published without its question'],
  [24, 'a rejection arriving after an approval left a published question marked rejected'],
]

describe('pinned seeds', () => {
  for (const [seed, found] of PINNED) {
    it(`seed ${seed}: ${found}`, () => runSeed(seed), 60_000)
  }
})

describe('convergence under random use', () => {
  for (const seed of (process.env.SEEDS ?? '1,2,3,4').split(',').map(Number)) {
    it(
      `seed ${seed}: replicas converge and tallies follow the outboxes`,
      () => runSeed(seed, Number(process.env.STEPS ?? 110)),
      60_000,
    )
  }
})
