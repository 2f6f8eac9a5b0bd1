import {
  type Leaderboard,
  type Poll,
  PollLimits,
  type PollResults,
  type PollSecret,
  quizPoints,
} from '@podium/shared'
import { counts as isCounted, type StoredAnswer } from './decide.ts'

/** When the server stamped a poll open and closed. */
export interface PollTimes {
  openedAt: number | null
  closedAt: number | null
}

/**
 * A poll's results from its answers (the poll_answers rows): counts per option or rating,
 * the newest open-text answers, the word cloud without hidden words. While a poll whose
 * results are shown once closed is still open, only the number of answers is published.
 */
export function computeResults(
  poll: Poll,
  all: Iterable<StoredAnswer>,
  times: PollTimes,
  secret: PollSecret,
): PollResults {
  // Answers waiting for a moderator, or turned down, are not in the results (POLL-MOD-2).
  const answers: StoredAnswer[] = []
  for (const a of all) if (isCounted(a)) answers.push(a)
  const hidden = poll.results === 'closed' && poll.status !== 'closed'
  const base: PollResults = {
    openedAt: times.openedAt,
    closedAt: times.closedAt,
    total: answers.length,
    counts: [],
    average: null,
    texts: [],
    words: [],
    correct: null,
    hidden,
  }
  if (hidden) return base
  switch (poll.kind) {
    case 'single':
    case 'multiple':
    case 'quiz': {
      const counts = poll.options.map(() => 0)
      for (const a of answers)
        for (const c of a.choices) if (c < counts.length) counts[c] = (counts[c] ?? 0) + 1
      const correct = poll.kind === 'quiz' && poll.status === 'closed' ? secret.correct : null
      return { ...base, counts, correct }
    }
    case 'rating': {
      const counts = [0, 0, 0, 0, 0]
      let sum = 0
      for (const a of answers) {
        if (a.rating === null) continue
        counts[a.rating - 1] = (counts[a.rating - 1] ?? 0) + 1
        sum += a.rating
      }
      const n = counts.reduce((x, y) => x + y, 0)
      return { ...base, counts, average: n === 0 ? null : Math.round((sum / n) * 100) / 100 }
    }
    case 'text': {
      const texts = answers
        .filter((a) => a.text !== null)
        .sort((a, b) => b.at - a.at)
        .slice(0, PollLimits.textsShown)
        .map((a) => ({ text: a.text ?? '', name: poll.anonymous ? null : a.name }))
      return { ...base, texts }
    }
    case 'words': {
      const hiddenWords = new Set(secret.hiddenWords)
      const counts = new Map<string, number>()
      for (const a of answers)
        if (a.text !== null && !hiddenWords.has(a.text))
          counts.set(a.text, (counts.get(a.text) ?? 0) + 1)
      const words = [...counts]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, PollLimits.wordsShown)
      return { ...base, words }
    }
    default: {
      const unknown: never = poll.kind
      throw new Error(`unknown poll kind ${String(unknown)}`)
    }
  }
}

/** Each answer's quiz points: right ones by speed (server times), wrong ones none. */
export function scoreQuestion(
  poll: Poll,
  answers: ReadonlyMap<string, StoredAnswer>,
  openedAt: number,
  correct: readonly number[],
): Map<string, number> {
  const right = new Set(correct)
  const points = new Map<string, number>()
  for (const [userId, a] of answers) {
    const isRight = a.choices.length === right.size && a.choices.every((c) => right.has(c))
    points.set(
      userId,
      isRight ? quizPoints(poll.points, a.at - openedAt, poll.timeLimitSec * 1000) : 0,
    )
  }
  return points
}

/** A player's total over a quiz's questions. */
export interface PlayerTotal {
  userId: string
  name: string | null
  points: number
}

/** Ranks with ties sharing a place (1, 2, 2, 4), most points first. */
export function rankPlayers(totals: PlayerTotal[]): Array<PlayerTotal & { rank: number }> {
  const sorted = [...totals].sort((a, b) => b.points - a.points || a.userId.localeCompare(b.userId))
  let rank = 0
  return sorted.map((p, i) => {
    if (i === 0 || (sorted[i - 1]?.points ?? 0) !== p.points) rank = i + 1
    return { ...p, rank }
  })
}

/** The leaderboard the public document shows: the top ten by name, and how many play. */
export function leaderboard(totals: PlayerTotal[], rounds: number, at: number): Leaderboard {
  const ranked = rankPlayers(totals)
  return {
    top: ranked.slice(0, PollLimits.leaderboardSize).map((p) => ({
      rank: p.rank,
      name: p.name ?? 'Anonymous player',
      points: p.points,
    })),
    players: ranked.length,
    rounds,
    at,
  }
}
