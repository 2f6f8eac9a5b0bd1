import {
  answerPoll,
  ModPolls,
  newPoll,
  type Poll,
  PublicPolls,
  pollAnswerEntryId,
} from '@podium/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestPodium } from '../../test-support/podium.ts'
import { createSession, join, type TestClient, waitFor } from './helpers/clients.ts'
import { startTwoInstances, type TwoInstances } from './helpers/two-instances.ts'

// Two instances over one Postgres database, sharing documents through Redis: attendees on
// each answer the same polls at once, and staff on either instance must see every answer
// counted, not the ones the instance they are on took (POLL-RES-4, docs/polls.md).
let instances: TwoInstances
let one: TestPodium
let two: TestPodium

beforeAll(async () => {
  instances = await startTwoInstances()
  ;({ one, two } = instances)
})

afterAll(async () => {
  await instances?.close()
})

const client: TwoInstances['client'] = (server, identity, withMod) =>
  instances.client(server, identity, withMod)

const polls = (c: TestClient) => new PublicPolls(c.provider('public').document)

describe('poll results across two instances', () => {
  it('POLL-RES-4: staff on each instance see the same, complete tally', async () => {
    const session = await createSession(one.url)
    const host = { sessionId: session.id, userId: session.hostUserId, token: session.hostToken }
    const staffOne = client(one, host, true)
    const staffTwo = client(two, host, true)
    const people = 16
    const attendees = await Promise.all(
      Array.from({ length: people }, async (_, i) => {
        const server = i % 2 === 0 ? one : two
        return client(server, await join(server.url, session.code, `Person ${i}`))
      }),
    )
    await Promise.all([staffOne.synced(), staffTwo.synced(), ...attendees.map((a) => a.synced())])

    const choice: Poll = newPoll({ kind: 'single', question: 'Where next?', options: ['A', 'B'] })
    const words: Poll = newPoll({ kind: 'words', question: 'One word?' })
    polls(staffOne).putPoll(choice)
    polls(staffOne).putPoll(words)
    polls(staffOne).updatePoll(choice.id, { status: 'open' })
    polls(staffOne).updatePoll(words.id, { status: 'open' })
    for (const a of attendees)
      await waitFor(() => polls(a).results(choice.id).openedAt !== null, 15_000, 'opened')

    // Everyone at once, half through each instance.
    attendees.forEach((a, i) => {
      answerPoll(a.provider('outbox').document, choice.id, { choices: [i % 4 === 0 ? 1 : 0] })
      answerPoll(a.provider('outbox').document, words.id, { text: i % 2 === 0 ? 'one' : 'two' })
    })
    const expected = [people - people / 4, people / 4]
    const complete = (c: TestClient) => {
      const r = polls(c).results(choice.id)
      const w = polls(c).results(words.id)
      return (
        r.total === people &&
        r.counts.join() === expected.join() &&
        w.total === people &&
        JSON.stringify(w.words) ===
          JSON.stringify([
            ['one', people / 2],
            ['two', people / 2],
          ])
      )
    }
    for (const staff of [staffOne, staffTwo])
      await waitFor(() => complete(staff), 20_000, 'every answer counted on both instances')

    // A changed answer on one instance and a new one on the other, both seen everywhere.
    answerPoll(attendees[0]!.provider('outbox').document, choice.id, { choices: [0] })
    answerPoll(attendees[1]!.provider('outbox').document, choice.id, { choices: [1] })
    for (const staff of [staffOne, staffTwo])
      await waitFor(
        () => polls(staff).results(choice.id).counts.join() === `${expected[0]},${expected[1]}`,
        20_000,
        'changed answers on both instances',
      )
    // It stays so: a later write of either instance does not put an older count back.
    await new Promise((r) => setTimeout(r, 1_000))
    for (const staff of [staffOne, staffTwo]) {
      expect(polls(staff).results(choice.id)).toMatchObject({ total: people, counts: expected })
      expect(complete(staff)).toBe(true)
    }
    // The console and the projector read the moderators' results: corrected there too.
    for (const staff of [staffOne, staffTwo])
      await waitFor(
        () =>
          JSON.stringify(new ModPolls(staff.provider('mod').document).liveResults(choice.id)) ===
          JSON.stringify(polls(staff).results(choice.id)),
        15_000,
        'staff results complete on both instances',
      )

    // Closed: the final results agree with the table on both instances.
    polls(staffTwo).updatePoll(choice.id, { status: 'closed' })
    for (const staff of [staffOne, staffTwo])
      await waitFor(
        () => polls(staff).results(choice.id).closedAt !== null,
        15_000,
        'closed on both',
      )
    for (const staff of [staffOne, staffTwo])
      expect(polls(staff).results(choice.id)).toMatchObject({ total: people, counts: expected })
  }, 60_000)

  it('POLL-MOD-3: an answer waiting on one instance is approved from the other, counted once', async () => {
    const session = await createSession(one.url)
    const host = { sessionId: session.id, userId: session.hostUserId, token: session.hostToken }
    const staffOne = client(one, host, true)
    const staffTwo = client(two, host, true)
    const onOne = client(one, await join(one.url, session.code, 'Ada'))
    const onTwo = client(two, await join(two.url, session.code, 'Bo'))
    await Promise.all([staffOne.synced(), staffTwo.synced(), onOne.synced(), onTwo.synced()])
    staffOne.public.setSettings({ preModeration: true })
    const poll = newPoll({ kind: 'text', question: 'Ideas?', status: 'open' })
    polls(staffOne).putPoll(poll)
    await waitFor(() => polls(onTwo).results(poll.id).openedAt !== null, 15_000, 'opened')
    answerPoll(onOne.provider('outbox').document, poll.id, { text: 'From one' })
    answerPoll(onTwo.provider('outbox').document, poll.id, { text: 'From two' })
    // A moderator decides only what their copy of the queue holds (ModDoc.decide ignores an
    // item it lacks), and the item one instance queued reaches the other's staff a moment
    // later: both copies hold both before anyone decides.
    for (const staff of [staffOne, staffTwo])
      await waitFor(() => staff.mod.queue().length === 2, 15_000, 'both queued on both')
    // Each decided on the instance that did not take the answer.
    for (const item of staffTwo.mod.queue()) {
      const staff = item.text === 'From one' ? staffTwo : staffOne
      staff.mod.decide(item.id, {
        action: 'approve',
        by: session.hostUserId,
        byName: null,
        at: Date.now(),
      })
      expect(staff.mod.pending(item.id)?.decision?.action).toBe('approve')
    }
    for (const staff of [staffOne, staffTwo])
      await waitFor(
        () => polls(staff).results(poll.id).total === 2,
        20_000,
        'both approved answers counted on both instances',
      )
    await waitFor(
      () => onOne.outbox.receipt(pollAnswerEntryId(poll.id))?.status === 'accepted',
      15_000,
      'receipted',
    )
    await new Promise((r) => setTimeout(r, 600))
    for (const staff of [staffOne, staffTwo])
      expect(
        polls(staff)
          .results(poll.id)
          .texts.map((t) => t.text)
          .sort(),
      ).toEqual(['From one', 'From two'])
  }, 60_000)
})
