import { ModDoc, OutboxDoc, PublicDoc } from '@podium/shared'
import { afterEach, describe, expect, it } from 'vitest'
import { type Actor, World } from './helpers/convergence-world.ts'

/**
 * Races between moderators and authors over a queued item, found by the convergence test
 * (seeds 7, 8, 14, 19 and 24) and pinned here as plain scenarios. Moderators decide while
 * offline, so their decisions are made on a copy the server has moved past.
 */

let world: World | null = null
afterEach(async () => {
  await world?.close()
  world = null
})

const decision = (m: Actor, action: 'approve' | 'reject') => ({
  action,
  ...(action === 'reject' ? { reason: 'Off topic' } : {}),
  by: m.identity.userId,
  byName: m.name,
  at: Date.now(),
})

/** A question of attendee 0's, approved and published, and an outbox whose clock moves on each entry. */
async function publishedQuestion(w: World) {
  const { author, questionId } = await queuedQuestion(w)
  const host = w.moderators[0]!
  new ModDoc(host.docs.mod).decide(questionId, decision(host, 'approve'))
  await w.quiesce()
  expect(w.serverPublic.hasQuestion(questionId)).toBe(true)
  let clock = Date.now()
  return { author, host, questionId, outbox: new OutboxDoc(author.docs.outbox, () => clock++) }
}

async function queuedQuestion(w: World) {
  const author = w.attendees[0]!
  const outbox = new OutboxDoc(author.docs.outbox)
  const { questionId } = outbox.ask('A question for review')
  await w.quiesce()
  expect(outbox.receipt(questionId)?.status).toBe('pending')
  return { author, outbox, questionId }
}

describe('moderation races', () => {
  it('two moderators decide one item at once: the first decision carried out stands', async () => {
    world = await World.open(2, true)
    const { outbox, questionId } = await queuedQuestion(world)
    const [host, mod] = world.moderators as [Actor, Actor]
    world.disconnect(mod)
    new ModDoc(host.docs.mod).decide(questionId, decision(host, 'approve'))
    await world.quiesce({ reconnect: false })
    // The other moderator, offline, rejects the item it still sees waiting.
    new ModDoc(mod.docs.mod).decide(questionId, decision(mod, 'reject'))
    world.connect(mod)
    await world.quiesce()
    expect(outbox.receipt(questionId)?.status).toBe('accepted')
    expect(world.serverPublic.hasQuestion(questionId)).toBe(true)
    expect(world.serverMod.rejected()).toEqual([])
    expect(world.serverMod.queue()).toEqual([])
  })

  it("a decision made on an older copy keeps the author's edit", async () => {
    world = await World.open(2, true)
    const { outbox, questionId } = await queuedQuestion(world)
    const host = world.moderators[0]!
    world.disconnect(host)
    outbox.edit(questionId, 'The question, edited while it waits')
    await world.quiesce({ reconnect: false })
    new ModDoc(host.docs.mod).decide(questionId, decision(host, 'approve'))
    world.connect(host)
    await world.quiesce()
    expect(world.serverPublic.question(questionId)?.text).toBe(
      'The question, edited while it waits',
    )
  })

  it('ING-MOD-11: an older edit approved after a newer one leaves the newer text', async () => {
    world = await World.open(2, true)
    const { host, questionId, outbox } = await publishedQuestion(world)
    const older = outbox.edit(questionId, 'The first new text')
    const newer = outbox.edit(questionId, 'The second new text')
    await world.quiesce()
    expect([outbox.receipt(older)?.status, outbox.receipt(newer)?.status]).toEqual([
      'pending',
      'pending',
    ])
    const mod = new ModDoc(host.docs.mod)
    mod.decide(newer, decision(host, 'approve'))
    await world.quiesce()
    mod.decide(older, decision(host, 'approve'))
    await world.quiesce()
    expect(outbox.receipt(older)?.status).toBe('accepted')
    expect(world.serverPublic.question(questionId)?.text).toBe('The second new text')
  })

  it('ING-MOD-11: two edits queued in one tick keep their order, approved at once too', async () => {
    world = await World.open(2, true)
    const { author, host, questionId, outbox } = await publishedQuestion(world)
    // Written in one go, the edits are queued in one tick and carry the same time.
    let older = ''
    let newer = ''
    author.docs.outbox.transact(() => {
      older = outbox.edit(questionId, 'The first new text')
      newer = outbox.edit(questionId, 'The second new text')
    })
    await world.quiesce()
    const mod = new ModDoc(host.docs.mod)
    const [first, second] = [mod.pending(older)!, mod.pending(newer)!]
    expect(first.createdAt).toBe(second.createdAt)
    expect(first.editOrder).toBeLessThan(second.editOrder!)
    host.docs.mod.transact(() => {
      mod.decide(newer, decision(host, 'approve'))
      mod.decide(older, decision(host, 'approve'))
    })
    await world.quiesce()
    expect(world.serverPublic.question(questionId)?.text).toBe('The second new text')
  })

  it('ING-MOD-11: an edit approved after a newer one went straight to the question leaves it', async () => {
    world = await World.open(2, true)
    const { host, questionId, outbox } = await publishedQuestion(world)
    const older = outbox.edit(questionId, 'The text a moderator reviews')
    await world.quiesce()
    expect(outbox.receipt(older)?.status).toBe('pending')
    new PublicDoc(host.docs.public).setSettings({ preModeration: false })
    await world.quiesce()
    const newer = outbox.edit(questionId, 'The text after pre-moderation ended')
    await world.quiesce()
    expect(outbox.receipt(newer)?.status).toBe('accepted')
    new ModDoc(host.docs.mod).decide(older, decision(host, 'approve'))
    await world.quiesce()
    expect(world.serverPublic.question(questionId)?.text).toBe(
      'The text after pre-moderation ended',
    )
  })

  it('a decision on a question its author withdrew does not publish it', async () => {
    world = await World.open(2, true)
    const { outbox, questionId } = await queuedQuestion(world)
    const host = world.moderators[0]!
    world.disconnect(host)
    const withdraw = outbox.withdraw(questionId)
    await world.quiesce({ reconnect: false })
    expect(outbox.receipt(withdraw)?.status).toBe('accepted')
    new ModDoc(host.docs.mod).decide(questionId, decision(host, 'approve'))
    world.connect(host)
    await world.quiesce()
    expect(world.serverPublic.hasQuestion(questionId)).toBe(false)
    expect(world.serverMod.pending(questionId)).toBeUndefined()
  })

  it('a reply approved after its question was withdrawn is refused as not found', async () => {
    world = await World.open(2, true)
    const { outbox, questionId } = await queuedQuestion(world)
    const host = world.moderators[0]!
    new ModDoc(host.docs.mod).decide(questionId, decision(host, 'approve'))
    await world.quiesce()
    const replier = world.attendees[1]!
    const replies = new OutboxDoc(replier.docs.outbox)
    const replyId = replies.reply(questionId, 'A reply for review')
    await world.quiesce()
    world.disconnect(host)
    outbox.withdraw(questionId)
    await world.quiesce({ reconnect: false })
    new ModDoc(host.docs.mod).decide(replyId, decision(host, 'approve'))
    world.connect(host)
    await world.quiesce()
    expect(replies.receipt(replyId)).toMatchObject({ status: 'rejected', reason: 'not-found' })
    expect(new PublicDoc(replier.docs.public).replies()).toEqual([])
  })
})
