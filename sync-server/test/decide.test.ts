import {
  DEFAULT_SETTINGS,
  type OutboxEntry,
  type PendingItem,
  type Question,
  type SessionSettings,
  type SessionStatus,
  voteEntryId,
} from '@podium/shared'
import { describe, expect, it } from 'vitest'
import { type DecideContext, type Decision, decide, type QaEntry } from '../src/ingest/decide.ts'
import { RATES, type RateKind, UserRates } from '../src/ingest/user-rates.ts'

/**
 * The rules of docs/ingest.md ("What the ingest checks") held to `decide`, a pure function:
 * one test per rule, titled with its id. Each test also shows the entry passing once the
 * rule's condition is gone, so a rule that stopped applying, or applied always, fails here.
 */

const NOW = 1_700_000_000_000
const ME = 'user-ann-0001'
const OTHER = 'user-bob-0001'
const Q = 'question-0001'

type Gate = Pick<Question, 'authorId' | 'authorName' | 'answered' | 'status'>

/** The session as `decide` sees it. */
interface World {
  status?: SessionStatus
  settings?: Partial<SessionSettings>
  userName?: string | null
  /** Published questions (or about to be, this tick); by default asked by ME as Ann. */
  questions?: Record<string, Partial<Gate>>
  pending?: Record<string, Pick<PendingItem, 'authorId' | 'kind'>>
  /** Ids of the asks the server recorded as this user's. */
  asked?: string[]
  taken?: string[]
  rates?: UserRates
}

function context(world: World = {}): DecideContext {
  const rates = world.rates ?? new UserRates(10, () => NOW)
  return {
    userId: ME,
    userName: world.userName === undefined ? 'Ann' : world.userName,
    meta: {
      title: 'Rules',
      description: '',
      status: world.status ?? 'live',
      code: 'ABCDEF',
      createdAt: 0,
    },
    settings: { ...DEFAULT_SETTINGS, ...world.settings },
    now: NOW,
    question: (id) => {
      const gate = world.questions?.[id]
      return gate
        ? { authorId: ME, authorName: 'Ann', answered: false, status: 'published', ...gate }
        : undefined
    },
    pending: (id) => world.pending?.[id],
    asked: (id) => world.asked?.includes(id) ?? false,
    taken: (id) => world.taken?.includes(id) ?? false,
    allow: (kind) => rates.allow(ME, kind),
  }
}

/** The allowances of a user who has used up all of `kind`. */
function usedUp(kind: RateKind): UserRates {
  const rates = new UserRates(10, () => NOW)
  for (let i = 0; i < RATES[kind].burst; i++) expect(rates.allow(ME, kind)).toBe(true)
  return rates
}

const base = { seq: 1, createdAt: NOW - 60_000 }
const ask = (patch: Partial<Extract<OutboxEntry, { type: 'ask' }>> = {}): QaEntry => ({
  type: 'ask',
  id: Q,
  questionId: Q,
  text: 'What comes after the keynote?',
  anonymous: false,
  ...base,
  ...patch,
})
const edit = (patch: Partial<Extract<OutboxEntry, { type: 'edit' }>> = {}): QaEntry => ({
  type: 'edit',
  id: 'edit-0001',
  questionId: Q,
  text: 'What comes right after the keynote?',
  ...base,
  ...patch,
})
const withdraw = (patch: Partial<Extract<OutboxEntry, { type: 'withdraw' }>> = {}): QaEntry => ({
  type: 'withdraw',
  id: 'withdraw-0001',
  questionId: Q,
  ...base,
  ...patch,
})
const vote = (patch: Partial<Extract<OutboxEntry, { type: 'vote' }>> = {}): QaEntry => ({
  type: 'vote',
  id: voteEntryId(Q),
  questionId: Q,
  up: true,
  ...base,
  ...patch,
})
const reply = (patch: Partial<Extract<OutboxEntry, { type: 'reply' }>> = {}): QaEntry => ({
  type: 'reply',
  id: 'reply-0001',
  replyId: 'reply-0001',
  questionId: Q,
  text: 'The workshops, I think.',
  anonymous: false,
  ...base,
  ...patch,
})

const rejected = (reason: string): Decision => ({ kind: 'reject', reason }) as Decision
const published = { [Q]: {} }

describe('every kind of entry', () => {
  it('ING-ANY-2: in an ended session every entry is refused as session-ended, before any rule of its kind', () => {
    // Each of these would be refused for a reason of its own kind in a live session.
    const world: World = {
      settings: { qaOpen: false },
      questions: { [Q]: { authorId: OTHER, answered: true } },
      rates: usedUp('post'),
    }
    const entries = [ask(), edit(), withdraw(), vote(), reply()]
    for (const entry of entries)
      expect(decide(entry, context({ ...world, status: 'ended' })), entry.type).toEqual(
        rejected('session-ended'),
      )
    for (const entry of entries)
      expect(decide(entry, context(world)), entry.type).not.toEqual(rejected('session-ended'))
    // A draft session takes entries as a live one does.
    expect(decide(ask(), context({ status: 'draft' })).kind).toBe('publish-question')
  })
})

describe('ask', () => {
  it('ING-ASK-1: with Q&A closed an ask is refused as qa-closed, before its length is looked at', () => {
    const long = ask({ text: 'x'.repeat(DEFAULT_SETTINGS.maxQuestionLength + 1) })
    expect(decide(long, context({ settings: { qaOpen: false } }))).toEqual(rejected('qa-closed'))
    expect(decide(ask(), context({ settings: { qaOpen: false } }))).toEqual(rejected('qa-closed'))
    expect(decide(ask(), context()).kind).toBe('publish-question')
  })

  it("ING-ASK-2: an ask longer than the session's maxQuestionLength is too-long, before anonymity is looked at", () => {
    const settings = { maxQuestionLength: 40, anonymousQuestions: false }
    const over = ask({ text: 'y'.repeat(41), anonymous: true })
    expect(decide(over, context({ settings }))).toEqual(rejected('too-long'))
    expect(decide(ask({ text: 'y'.repeat(41) }), context({ settings }))).toEqual(
      rejected('too-long'),
    )
    expect(decide(ask({ text: 'y'.repeat(40) }), context({ settings })).kind).toBe(
      'publish-question',
    )
  })

  it('ING-ASK-3: an anonymous ask where the session does not allow it is anonymous-not-allowed, before the ids are compared', () => {
    const settings = { anonymousQuestions: false }
    const anonymous = ask({ anonymous: true, questionId: 'another-question' })
    expect(decide(anonymous, context({ settings }))).toEqual(rejected('anonymous-not-allowed'))
    expect(decide(ask({ anonymous: true }), context({ settings }))).toEqual(
      rejected('anonymous-not-allowed'),
    )
    // Named, or where the session allows it, it goes through.
    expect(decide(ask(), context({ settings })).kind).toBe('publish-question')
    expect(decide(ask({ anonymous: true }), context()).kind).toBe('publish-question')
  })

  it('ING-ASK-4: an ask whose questionId differs from its id is invalid, before the id is checked', () => {
    const mismatch = ask({ id: 'entry-0001', questionId: Q })
    expect(decide(mismatch, context({ taken: [Q, 'entry-0001'] }))).toEqual(rejected('invalid'))
    expect(decide(mismatch, context())).toEqual(rejected('invalid'))
    expect(decide(ask({ id: Q, questionId: Q }), context()).kind).toBe('publish-question')
  })

  it('ING-ASK-5: an ask whose id is taken is id-taken, before (and without) taking an allowance', () => {
    expect(decide(ask(), context({ taken: [Q], rates: usedUp('post') }))).toEqual(
      rejected('id-taken'),
    )
    const rates = new UserRates(10, () => NOW)
    for (let i = 0; i < RATES.post.burst + 5; i++)
      expect(decide(ask(), context({ taken: [Q], rates }))).toEqual(rejected('id-taken'))
    // Its refusals took nothing: the whole allowance is still there.
    for (let i = 0; i < RATES.post.burst; i++)
      expect(
        decide(ask({ id: `q-${i}-0001`, questionId: `q-${i}-0001` }), context({ rates })).kind,
      ).toBe('publish-question')
    expect(decide(ask(), context({ taken: ['something-else'] })).kind).toBe('publish-question')
  })

  it('ING-ASK-6: an ask beyond the post allowance is rate-limited', () => {
    expect(decide(ask(), context({ rates: usedUp('post') }))).toEqual(rejected('rate-limited'))
    // Votes are an allowance of their own.
    expect(decide(ask(), context({ rates: usedUp('vote') })).kind).toBe('publish-question')
  })

  it('ING-ASK-7: under pre-moderation an ask that passes is queued, naming its author unless anonymous', () => {
    const settings = { preModeration: true }
    expect(decide(ask(), context({ settings }))).toEqual({
      kind: 'queue',
      item: {
        id: Q,
        kind: 'question',
        questionId: null,
        text: 'What comes after the keynote?',
        authorId: ME,
        authorName: 'Ann',
        createdAt: NOW,
        decision: null,
      },
    })
    expect(decide(ask({ anonymous: true }), context({ settings }))).toMatchObject({
      kind: 'queue',
      item: { id: Q, authorId: null, authorName: null },
    })
  })

  it('ING-ASK-8: an ask that passes is published with no votes, unpinned and unanswered, naming its author unless anonymous or nameless', () => {
    expect(decide(ask(), context())).toEqual({
      kind: 'publish-question',
      question: {
        id: Q,
        text: 'What comes after the keynote?',
        authorId: ME,
        authorName: 'Ann',
        createdAt: NOW,
        editedAt: null,
        status: 'published',
        pinned: false,
        pinnedAt: null,
        answered: false,
        answeredAt: null,
        votes: 0,
        labels: [],
      },
    })
    for (const [entry, world] of [
      [ask({ anonymous: true }), {}],
      [ask(), { userName: null }],
    ] as const) {
      expect(decide(entry, context(world))).toMatchObject({
        kind: 'publish-question',
        question: { authorId: null, authorName: null },
      })
    }
  })
})

describe('edit', () => {
  it('ING-EDIT-1: an edit of no published or queued question is not-found (a queued reply is not a question)', () => {
    expect(decide(edit(), context())).toEqual(rejected('not-found'))
    expect(decide(edit(), context({ pending: { [Q]: { kind: 'reply', authorId: ME } } }))).toEqual(
      rejected('not-found'),
    )
    expect(
      decide(edit(), context({ pending: { [Q]: { kind: 'question', authorId: ME } } })).kind,
    ).toBe('edit')
    expect(decide(edit(), context({ questions: published })).kind).toBe('edit')
  })

  it("ING-EDIT-2: an edit of someone else's question is not-yours, before answered is looked at", () => {
    const others = { [Q]: { authorId: OTHER, authorName: 'Bob' } }
    expect(decide(edit(), context({ questions: others }))).toEqual(rejected('not-yours'))
    expect(
      decide(edit(), context({ questions: { [Q]: { authorId: OTHER, answered: true } } })),
    ).toEqual(rejected('not-yours'))
    expect(
      decide(edit(), context({ pending: { [Q]: { kind: 'question', authorId: OTHER } } })),
    ).toEqual(rejected('not-yours'))
  })

  it('ING-EDIT-3: an edit of an answered question is already-answered, before its length is looked at', () => {
    const answered = { [Q]: { answered: true } }
    expect(decide(edit(), context({ questions: answered }))).toEqual(rejected('already-answered'))
    expect(decide(edit({ text: 'z'.repeat(2_000) }), context({ questions: answered }))).toEqual(
      rejected('already-answered'),
    )
  })

  it("ING-EDIT-4: an edit longer than the session's maxQuestionLength is too-long", () => {
    const world = { questions: published, settings: { maxQuestionLength: 30 } }
    expect(decide(edit({ text: 'e'.repeat(31) }), context(world))).toEqual(rejected('too-long'))
    expect(decide(edit({ text: 'e'.repeat(30) }), context(world)).kind).toBe('edit')
  })

  it('ING-EDIT-5: an edit to be queued whose own id is taken is id-taken; one that is not queued needs no id of its own', () => {
    const premod = { preModeration: true }
    const id = 'edit-0001'
    expect(
      decide(edit(), context({ questions: published, settings: premod, taken: [id] })),
    ).toEqual(rejected('id-taken'))
    expect(
      decide(
        edit(),
        context({ questions: published, settings: premod, taken: [id], rates: usedUp('post') }),
      ),
    ).toEqual(rejected('id-taken'))
    expect(decide(edit(), context({ questions: published, taken: [id] })).kind).toBe('edit')
    expect(
      decide(
        edit(),
        context({
          pending: { [Q]: { kind: 'question', authorId: ME } },
          settings: premod,
          taken: [id],
        }),
      ).kind,
    ).toBe('edit')
  })

  it('ING-EDIT-6: an edit beyond the post allowance is rate-limited', () => {
    expect(decide(edit(), context({ questions: published, rates: usedUp('post') }))).toEqual(
      rejected('rate-limited'),
    )
    expect(decide(edit(), context({ questions: published, rates: usedUp('vote') })).kind).toBe(
      'edit',
    )
  })

  it('ING-EDIT-7: under pre-moderation the edit of a published question is queued as an item of its own, the question left as it is', () => {
    const decision = decide(
      edit(),
      context({ questions: published, settings: { preModeration: true } }),
    )
    expect(decision).toEqual({
      kind: 'queue',
      item: {
        id: 'edit-0001',
        kind: 'edit',
        questionId: Q,
        text: 'What comes right after the keynote?',
        authorId: ME,
        authorName: 'Ann',
        createdAt: NOW,
        decision: null,
      },
    })
    // The edit of a question asked without a name names nobody either.
    const nameless = { [Q]: { authorId: null, authorName: null } }
    expect(
      decide(
        edit(),
        context({ questions: nameless, asked: [Q], settings: { preModeration: true } }),
      ),
    ).toMatchObject({ kind: 'queue', item: { kind: 'edit', authorId: null, authorName: null } })
  })

  it('ING-EDIT-8: otherwise the text changes where the question is, public or queue, even with Q&A closed', () => {
    const closed = { qaOpen: false }
    expect(decide(edit(), context({ questions: published, settings: closed }))).toEqual({
      kind: 'edit',
      questionId: Q,
      text: 'What comes right after the keynote?',
      where: 'public',
    })
    // A question still in the queue is edited there, under pre-moderation too.
    expect(
      decide(
        edit(),
        context({
          pending: { [Q]: { kind: 'question', authorId: ME } },
          settings: { ...closed, preModeration: true },
        }),
      ),
    ).toEqual({
      kind: 'edit',
      questionId: Q,
      text: 'What comes right after the keynote?',
      where: 'queue',
    })
  })
})

describe('withdraw', () => {
  it('ING-WDR-1: withdrawing no published or queued question is not-found', () => {
    expect(decide(withdraw(), context())).toEqual(rejected('not-found'))
    expect(
      decide(withdraw(), context({ pending: { [Q]: { kind: 'edit', authorId: ME } } })),
    ).toEqual(rejected('not-found'))
    expect(decide(withdraw(), context({ questions: published })).kind).toBe('withdraw')
  })

  it("ING-WDR-2: withdrawing someone else's question is not-yours, before answered is looked at", () => {
    expect(
      decide(withdraw(), context({ questions: { [Q]: { authorId: OTHER, answered: true } } })),
    ).toEqual(rejected('not-yours'))
    expect(
      decide(withdraw(), context({ pending: { [Q]: { kind: 'question', authorId: OTHER } } })),
    ).toEqual(rejected('not-yours'))
  })

  it('ING-WDR-3: withdrawing an answered question is already-answered', () => {
    expect(decide(withdraw(), context({ questions: { [Q]: { answered: true } } }))).toEqual(
      rejected('already-answered'),
    )
  })
})

describe('vote', () => {
  it('ING-VOTE-1: a vote on a question that is not published (missing, hidden, archived, queued) is not-found, before Q&A is looked at', () => {
    const cases: World[] = [
      {},
      { questions: { [Q]: { status: 'hidden' } } },
      { questions: { [Q]: { status: 'archived' } } },
      { pending: { [Q]: { kind: 'question', authorId: OTHER } } },
    ]
    for (const world of cases) {
      expect(decide(vote(), context(world))).toEqual(rejected('not-found'))
      expect(decide(vote(), context({ ...world, settings: { qaOpen: false } }))).toEqual(
        rejected('not-found'),
      )
    }
    expect(decide(vote(), context({ questions: published }))).toEqual({
      kind: 'vote',
      questionId: Q,
      up: true,
    })
  })

  it('ING-VOTE-2: a vote with Q&A closed is qa-closed', () => {
    expect(decide(vote(), context({ questions: published, settings: { qaOpen: false } }))).toEqual(
      rejected('qa-closed'),
    )
  })

  it('ING-VOTE-3: a vote beyond the vote allowance is rate-limited; posts do not count against it', () => {
    expect(decide(vote(), context({ questions: published, rates: usedUp('vote') }))).toEqual(
      rejected('rate-limited'),
    )
    expect(
      decide(vote({ up: false }), context({ questions: published, rates: usedUp('post') })),
    ).toEqual({
      kind: 'vote',
      questionId: Q,
      up: false,
    })
  })
})

describe('reply', () => {
  it('ING-REPLY-1: a reply to a question that is not published is not-found, before Q&A is looked at', () => {
    const cases: World[] = [
      {},
      { questions: { [Q]: { status: 'hidden' } } },
      { pending: { [Q]: { kind: 'question', authorId: ME } } },
    ]
    for (const world of cases)
      expect(decide(reply(), context({ ...world, settings: { qaOpen: false } }))).toEqual(
        rejected('not-found'),
      )
    expect(decide(reply(), context({ questions: published })).kind).toBe('publish-reply')
  })

  it('ING-REPLY-2: a reply with Q&A closed is qa-closed, before anonymity is looked at', () => {
    const world = { questions: published, settings: { qaOpen: false, anonymousQuestions: false } }
    expect(decide(reply({ anonymous: true }), context(world))).toEqual(rejected('qa-closed'))
    expect(decide(reply(), context(world))).toEqual(rejected('qa-closed'))
  })

  it('ING-REPLY-3: an anonymous reply where the session does not allow it is anonymous-not-allowed, before the ids are compared', () => {
    const world = { questions: published, settings: { anonymousQuestions: false } }
    expect(decide(reply({ anonymous: true, replyId: 'another-reply' }), context(world))).toEqual(
      rejected('anonymous-not-allowed'),
    )
    expect(decide(reply(), context(world)).kind).toBe('publish-reply')
  })

  it('ING-REPLY-4: a reply whose replyId differs from its id is invalid, before the id is checked', () => {
    const mismatch = reply({ replyId: 'another-reply' })
    expect(decide(mismatch, context({ questions: published, taken: ['reply-0001'] }))).toEqual(
      rejected('invalid'),
    )
    expect(decide(mismatch, context({ questions: published }))).toEqual(rejected('invalid'))
  })

  it('ING-REPLY-5: a reply whose id is taken is id-taken, before the allowance', () => {
    expect(
      decide(
        reply(),
        context({ questions: published, taken: ['reply-0001'], rates: usedUp('post') }),
      ),
    ).toEqual(rejected('id-taken'))
    expect(decide(reply(), context({ questions: published, taken: [Q] })).kind).toBe(
      'publish-reply',
    )
  })

  it('ING-REPLY-6: a reply beyond the post allowance is rate-limited', () => {
    expect(decide(reply(), context({ questions: published, rates: usedUp('post') }))).toEqual(
      rejected('rate-limited'),
    )
  })

  it('ING-REPLY-7: under pre-moderation a reply that passes is queued, naming its author unless anonymous', () => {
    const world = { questions: published, settings: { preModeration: true } }
    expect(decide(reply(), context(world))).toEqual({
      kind: 'queue',
      item: {
        id: 'reply-0001',
        kind: 'reply',
        questionId: Q,
        text: 'The workshops, I think.',
        authorId: ME,
        authorName: 'Ann',
        createdAt: NOW,
        decision: null,
      },
    })
    expect(decide(reply({ anonymous: true }), context(world))).toMatchObject({
      kind: 'queue',
      item: { authorId: null, authorName: null },
    })
  })

  it("ING-REPLY-8: a reply that passes is published as an attendee's, naming its author unless anonymous or nameless", () => {
    expect(decide(reply(), context({ questions: published }))).toEqual({
      kind: 'publish-reply',
      reply: {
        id: 'reply-0001',
        questionId: Q,
        text: 'The workshops, I think.',
        authorId: ME,
        authorName: 'Ann',
        authorRole: 'attendee',
        createdAt: NOW,
        hidden: false,
      },
    })
    expect(decide(reply({ anonymous: true }), context({ questions: published }))).toMatchObject({
      reply: { authorId: null, authorName: null },
    })
    expect(decide(reply(), context({ questions: published, userName: null }))).toMatchObject({
      reply: { authorId: null, authorName: null },
    })
  })
})

describe('who may change a question', () => {
  it("ING-OWN-1: a question that names its author is that author's, whatever the server's record of asks says", () => {
    const mine = { [Q]: { authorId: ME } }
    const bobs = { [Q]: { authorId: OTHER, authorName: 'Bob' } }
    for (const entry of [edit(), withdraw()]) {
      expect(decide(entry, context({ questions: mine })).kind, entry.type).not.toBe('reject')
      expect(decide(entry, context({ questions: bobs, asked: [Q] })), entry.type).toEqual(
        rejected('not-yours'),
      )
    }
  })

  it('ING-OWN-2: a question that names nobody is the user’s whose ask the server recorded', () => {
    const nameless = { [Q]: { authorId: null, authorName: null } }
    const queued = { [Q]: { kind: 'question' as const, authorId: null } }
    for (const entry of [edit(), withdraw()]) {
      expect(decide(entry, context({ questions: nameless, asked: [Q] })).kind).not.toBe('reject')
      expect(decide(entry, context({ questions: nameless }))).toEqual(rejected('not-yours'))
      expect(decide(entry, context({ pending: queued, asked: [Q] })).kind).not.toBe('reject')
      expect(decide(entry, context({ pending: queued }))).toEqual(rejected('not-yours'))
    }
  })
})
