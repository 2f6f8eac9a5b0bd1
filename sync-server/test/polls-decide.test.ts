import { mayWriteField, newPoll, type Poll, type PollAnswerEntry } from '@podium/shared'
import { describe, expect, it } from 'vitest'
import { type AnswerContext, decideAnswer } from '../src/polls/decide.ts'
import { computeResults, leaderboard, scoreQuestion } from '../src/polls/results.ts'

const NOW = 1_000_000

const entry = (patch: Partial<PollAnswerEntry> = {}): PollAnswerEntry => ({
  type: 'poll-answer',
  id: 'poll:poll-0001',
  seq: 1,
  createdAt: NOW,
  pollId: 'poll-0001',
  choices: [],
  rating: null,
  text: null,
  ...patch,
})

const poll = (patch: Partial<Poll> = {}): Poll =>
  newPoll({
    id: 'poll-0001',
    kind: 'single',
    question: 'Which?',
    options: ['A', 'B', 'C'],
    status: 'open',
    ...patch,
  })

const ctx = (p: Poll | undefined, patch: Partial<AnswerContext> = {}): AnswerContext => ({
  poll: p,
  openedAt: NOW - 1_000,
  now: NOW,
  allow: () => true,
  ...patch,
})

const reason = (e: PollAnswerEntry, c: AnswerContext) => {
  const d = decideAnswer(e, c)
  return d.kind === 'reject' ? d.reason : 'accepted'
}

describe('poll answers (docs/polls.md)', () => {
  it('POLL-ANS-1..3: unknown, draft and closed polls', () => {
    expect(reason(entry({ choices: [0] }), ctx(undefined))).toBe('poll-not-found')
    expect(reason(entry({ choices: [0] }), ctx(poll({ status: 'draft' })))).toBe('poll-not-open')
    expect(reason(entry({ choices: [0] }), ctx(poll({ status: 'closed' })))).toBe('poll-closed')
  })

  it('POLL-ANS-4: a quiz answer after the time limit is too late, by the server clock', () => {
    const quiz = poll({ kind: 'quiz', timeLimitSec: 10, quizId: 'quiz-0001' })
    expect(reason(entry({ choices: [1] }), ctx(quiz, { openedAt: NOW - 10_000 }))).toBe('accepted')
    expect(reason(entry({ choices: [1] }), ctx(quiz, { openedAt: NOW - 10_001 }))).toBe('too-late')
    // What the client says of its time does not count.
    expect(
      reason(
        entry({ choices: [1], createdAt: NOW - 20_000 }),
        ctx(quiz, { openedAt: NOW - 10_001 }),
      ),
    ).toBe('too-late')
  })

  it('POLL-ANS-5: options out of range, repeated, or more than allowed', () => {
    expect(reason(entry({ choices: [3] }), ctx(poll()))).toBe('bad-answer')
    expect(reason(entry({ choices: [-1] }), ctx(poll()))).toBe('bad-answer')
    expect(reason(entry({ choices: [0, 1] }), ctx(poll()))).toBe('bad-answer')
    const multi = poll({ kind: 'multiple', maxChoices: 2 })
    expect(reason(entry({ choices: [0, 1] }), ctx(multi))).toBe('accepted')
    expect(reason(entry({ choices: [0, 0] }), ctx(multi))).toBe('bad-answer')
    expect(reason(entry({ choices: [0, 1, 2] }), ctx(multi))).toBe('bad-answer')
    expect(reason(entry({ choices: [] }), ctx(multi))).toBe('empty-answer')
  })

  it('POLL-ANS-6: ratings are 1 to 5', () => {
    const rating = poll({ kind: 'rating', options: [] })
    expect(reason(entry({ rating: 0 }), ctx(rating))).toBe('bad-answer')
    expect(reason(entry({ rating: 6 }), ctx(rating))).toBe('bad-answer')
    expect(reason(entry({ rating: 5 }), ctx(rating))).toBe('accepted')
    expect(reason(entry(), ctx(rating))).toBe('empty-answer')
  })

  it('POLL-ANS-7: open text is not empty and at most 280 characters', () => {
    const text = poll({ kind: 'text', options: [] })
    expect(reason(entry({ text: ' \n ' }), ctx(text))).toBe('empty-answer')
    expect(reason(entry({ text: 'x'.repeat(281) }), ctx(text))).toBe('too-long')
    expect(reason(entry({ text: 'x'.repeat(280) }), ctx(text))).toBe('accepted')
  })

  it('POLL-ANS-8: word-cloud answers are at most three words, normalised', () => {
    const words = poll({ kind: 'words', options: [] })
    expect(reason(entry({ text: 'one two three four' }), ctx(words))).toBe('bad-answer')
    expect(reason(entry({ text: '!!!' }), ctx(words))).toBe('empty-answer')
    const d = decideAnswer(entry({ text: '  Crème   BRÛLÉE. ' }), ctx(words))
    expect(d).toEqual({
      kind: 'answer',
      answer: { choices: [], rating: null, text: 'crème brûlée' },
    })
  })

  it('POLL-ANS-9: an answer past the vote allowance is rate-limited', () => {
    expect(reason(entry({ choices: [0] }), ctx(poll(), { allow: () => false }))).toBe(
      'rate-limited',
    )
  })

  it('QUIZ-3: right answers score by speed, half the points at the limit; wrong ones none', () => {
    const quiz = poll({ kind: 'quiz', timeLimitSec: 10, points: 1000, quizId: 'quiz-0001' })
    const at = (ms: number, choice: number) => ({
      choices: [choice],
      rating: null,
      text: null,
      at: NOW + ms,
      points: null,
      name: null,
    })
    const points = scoreQuestion(
      quiz,
      new Map([
        ['fast', at(0, 1)],
        ['slow', at(10_000, 1)],
        ['mid', at(5_000, 1)],
        ['wrong', at(0, 0)],
      ]),
      NOW,
      [1],
    )
    expect(Object.fromEntries(points)).toEqual({ fast: 1000, slow: 500, mid: 750, wrong: 0 })
    const board = leaderboard(
      [
        { userId: 'a', name: 'Ann', points: 900 },
        { userId: 'b', name: null, points: 900 },
        { userId: 'c', name: 'Cy', points: 100 },
      ],
      1,
      NOW,
    )
    expect(board.top).toEqual([
      { rank: 1, name: 'Ann', points: 900 },
      { rank: 1, name: 'Anonymous player', points: 900 },
      { rank: 3, name: 'Cy', points: 100 },
    ])
    expect(
      computeResults(
        quiz,
        [at(0, 1)],
        { openedAt: NOW, closedAt: null },
        {
          correct: [1],
          hiddenWords: [],
        },
      ).correct,
    ).toBeNull()
  })
})

describe('who writes poll results', () => {
  it('PERM-FIELD-14: pollResults.* is the server’s; polls themselves are staff’s', () => {
    for (const role of ['host', 'moderator', 'presenter'] as const) {
      expect(mayWriteField(role, 'public', ['pollResults', 'poll-0001'])).toBe(false)
      expect(mayWriteField(role, 'public', ['polls', 'poll-0001'])).toBe(true)
    }
  })

  it('PERM-FIELD-17: pollResults.* in the moderators’ document is the server’s', () => {
    for (const role of ['host', 'moderator', 'presenter'] as const)
      expect(mayWriteField(role, 'mod', ['pollResults', 'poll-0001'])).toBe(false)
  })

  it('PERM-FIELD-15: leaderboards.* is the server’s', () => {
    for (const role of ['host', 'moderator', 'presenter'] as const)
      expect(mayWriteField(role, 'public', ['leaderboards', 'quiz-0001'])).toBe(false)
  })
})
