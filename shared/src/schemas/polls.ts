import { z } from 'zod'
import { ID_PATTERN } from '../ids.ts'

/**
 * Polls, quizzes and word clouds: what staff define (in the public document), what an
 * attendee answers (an outbox entry), and what the server publishes (results, leaderboard).
 * A quiz question is a poll of kind `quiz`; a word cloud is a poll of kind `words`.
 */

export const PollLimits = {
  questionLength: 300,
  optionLength: 120,
  options: 10,
  /** An open-text answer. */
  textLength: 280,
  /** A word-cloud answer: words, and characters. */
  words: 3,
  wordsLength: 60,
  /** Open-text answers the public document shows (the newest). */
  textsShown: 50,
  /** Words the cloud shows (the most given). */
  wordsShown: 60,
  timeLimitMinSec: 5,
  timeLimitMaxSec: 600,
  leaderboardSize: 10,
} as const

export const PollKind = {
  single: 'single',
  multiple: 'multiple',
  rating: 'rating',
  text: 'text',
  words: 'words',
  quiz: 'quiz',
} as const
export type PollKind = (typeof PollKind)[keyof typeof PollKind]

export const PollStatus = { draft: 'draft', open: 'open', closed: 'closed' } as const
export type PollStatus = (typeof PollStatus)[keyof typeof PollStatus]

/** When results are shown to attendees: as answers come, or once the poll is closed. */
export const ResultsShown = { live: 'live', closed: 'closed' } as const
export type ResultsShown = (typeof ResultsShown)[keyof typeof ResultsShown]

const pollId = z.string().regex(ID_PATTERN, 'an id of 6-64 letters, digits, - or _')

/** A poll as staff write it into the public document (`polls.<id>`). */
export const Poll = z.object({
  id: pollId,
  kind: z.enum(['single', 'multiple', 'rating', 'text', 'words', 'quiz']),
  question: z.string().trim().min(1).max(PollLimits.questionLength),
  /** Choices (single, multiple, quiz); empty for the other kinds. */
  options: z.array(z.string().trim().min(1).max(PollLimits.optionLength)).max(PollLimits.options),
  /** Multiple choice: how many options one person may pick. */
  maxChoices: z.number().int().min(1).max(PollLimits.options),
  status: z.enum(['draft', 'open', 'closed']),
  results: z.enum(['live', 'closed']),
  /** Named polls show who wrote each open-text answer and name people in exports. */
  anonymous: z.boolean(),
  createdAt: z.number().int(),
  /** Quiz questions: the quiz they belong to, the time limit and the points for a right answer. */
  quizId: pollId.nullable(),
  timeLimitSec: z.number().int().min(PollLimits.timeLimitMinSec).max(PollLimits.timeLimitMaxSec),
  points: z.number().int().min(0).max(10_000),
})
export type Poll = z.infer<typeof Poll>

export const POLL_DEFAULTS = {
  options: [] as string[],
  maxChoices: 1,
  status: 'draft',
  results: 'live',
  anonymous: true,
  quizId: null,
  timeLimitSec: 20,
  points: 1000,
} as const satisfies Partial<Poll>

/**
 * What only staff may know about a poll (the moderators' document, `pollSecrets.<id>`):
 * a quiz question's right options, until it closes, and the words moderators hid.
 */
export const PollSecret = z.object({
  correct: z
    .array(
      z
        .number()
        .int()
        .min(0)
        .max(PollLimits.options - 1),
    )
    .max(PollLimits.options),
  hiddenWords: z.array(z.string().max(PollLimits.wordsLength)).max(500),
})
export type PollSecret = z.infer<typeof PollSecret>

/** What the server publishes about a poll (`pollResults.<id>`, written by the server only). */
export const PollResults = z.object({
  /** Server clock when the poll was (last) opened and closed. */
  openedAt: z.number().nullable(),
  closedAt: z.number().nullable(),
  /** People who answered. */
  total: z.number().int().nonnegative(),
  /** Per option (choices), or per rating 1-5; empty while results are hidden. */
  counts: z.array(z.number().int().nonnegative()),
  /** Rating polls: the mean, else null. */
  average: z.number().nullable(),
  /** Open text: the newest answers (name only in named polls). */
  texts: z.array(z.object({ text: z.string(), name: z.string().nullable() })),
  /** Word cloud: [word, count], most given first, hidden words left out. */
  words: z.array(z.tuple([z.string(), z.number().int().positive()])),
  /** Quiz questions, once closed: the right options. */
  correct: z.array(z.number().int()).nullable(),
  /** Whether the counts are withheld (results shown once closed, and not closed yet). */
  hidden: z.boolean(),
})
export type PollResults = z.infer<typeof PollResults>

/** A quiz's leaderboard (`leaderboards.<quizId>`, written by the server when a question closes). */
export const Leaderboard = z.object({
  top: z.array(z.object({ rank: z.number().int(), name: z.string(), points: z.number().int() })),
  players: z.number().int().nonnegative(),
  /** Questions of the quiz closed so far. */
  rounds: z.number().int().nonnegative(),
  at: z.number(),
})
export type Leaderboard = z.infer<typeof Leaderboard>

/** One player's place in a quiz: `GET /api/sessions/:id/quizzes/:quizId/standing`. */
export const QuizStanding = z.object({
  points: z.number().int(),
  rank: z.number().int().nullable(),
  players: z.number().int(),
})
export type QuizStanding = z.infer<typeof QuizStanding>

/**
 * An attendee's answer to a poll, in their outbox under `poll:<pollId>`. Like a vote it is
 * state, not an event: rewritten with a higher `seq` when the attendee changes it, and
 * decided again whenever its receipt's `seq` differs.
 */
export const PollAnswerEntry = z.object({
  id: z.string().min(1).max(80),
  seq: z.number().int().nonnegative(),
  createdAt: z.number().int().nonnegative(),
  type: z.literal('poll-answer'),
  pollId,
  /** Option indexes (single, multiple, quiz). */
  choices: z.array(z.number().int()).max(PollLimits.options).default([]),
  /** Rating polls: 1 to 5. */
  rating: z.number().int().nullable().default(null),
  /** Open text and word cloud; its length is checked by the ingest (to say too-long). */
  text: z.string().max(4_000).nullable().default(null),
})
export type PollAnswerEntry = z.infer<typeof PollAnswerEntry>

/** The key an answer is stored under: one entry per poll, rewritten when changed. */
export const pollAnswerEntryId = (pollId: string) => `poll:${pollId}`

/**
 * A word-cloud answer as it is counted: spacing collapsed, lower case, accents kept
 * (NFC, so "é" typed two ways counts once), punctuation at either end dropped.
 */
export function normaliseWords(text: string): string {
  return text
    .normalize('NFC')
    .toLocaleLowerCase('und')
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(/^[\p{P}\p{S}\s]+|[\p{P}\p{S}\s]+$/gu, '')
}

export function wordCount(normalised: string): number {
  return normalised === '' ? 0 : normalised.split(' ').length
}

/** Points for a right quiz answer: the full points at once, half at the time limit. */
export function quizPoints(points: number, elapsedMs: number, limitMs: number): number {
  const late = Math.min(1, Math.max(0, elapsedMs / limitMs))
  return Math.round(points * (1 - late / 2))
}

/** A poll in a session's export: its definition, results and every answer (names in named polls). */
export const PollExport = z.object({
  poll: Poll,
  results: PollResults,
  answers: z
    .array(
      z.object({
        name: z.string().nullable(),
        choices: z.array(z.number().int()),
        rating: z.number().int().nullable(),
        text: z.string().nullable(),
        answeredAt: z.number(),
        points: z.number().int().nullable(),
        /**
         * Open text the session pre-moderated: waiting for a moderator, or turned down (not
         * in the results); absent or null when the answer counts.
         */
        moderation: z.enum(['pending', 'rejected']).nullable().optional(),
      }),
    )
    .max(100_000),
})
export type PollExport = z.infer<typeof PollExport>
