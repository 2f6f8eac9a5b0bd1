import type * as Y from 'yjs'
import { newId } from '../ids.ts'
import {
  type Leaderboard,
  POLL_DEFAULTS,
  Poll,
  type PollAnswerEntry,
  type PollResults,
  type PollSecret,
  pollAnswerEntryId,
} from '../schemas/polls.ts'

/** Results before the server has written any: nothing counted, nothing shown. */
export const EMPTY_RESULTS: PollResults = {
  openedAt: null,
  closedAt: null,
  total: 0,
  counts: [],
  average: null,
  texts: [],
  words: [],
  correct: null,
  hidden: false,
}

/**
 * Polls in the public document. Layout: maps `polls` (id → Poll, written by staff),
 * `pollResults` (id → PollResults) and `leaderboards` (quiz id → Leaderboard), the last two
 * written by the server only (see FIELD_WRITERS).
 */
export class PublicPolls {
  constructor(readonly doc: Y.Doc) {}

  private get pollsMap() {
    return this.doc.getMap<unknown>('polls')
  }
  private get resultsMap() {
    return this.doc.getMap<PollResults>('pollResults')
  }
  private get leaderboardsMap() {
    return this.doc.getMap<Leaderboard>('leaderboards')
  }

  /** Every poll that reads as one, oldest first (an entry staff wrote wrongly is left out). */
  polls(): Poll[] {
    const out: Poll[] = []
    for (const id of this.pollsMap.keys()) {
      const poll = this.poll(id)
      if (poll) out.push(poll)
    }
    return out.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
  }
  poll(id: string): Poll | undefined {
    const raw = this.pollsMap.get(id)
    if (typeof raw !== 'object' || raw === null) return undefined
    const parsed = Poll.safeParse({ ...POLL_DEFAULTS, ...raw, id })
    return parsed.success ? parsed.data : undefined
  }
  putPoll(poll: Poll): void {
    this.pollsMap.set(poll.id, Poll.parse(poll))
  }
  /** Staff change a poll's fields (status, question, options, ...). */
  updatePoll(id: string, patch: Partial<Omit<Poll, 'id'>>): boolean {
    const poll = this.poll(id)
    if (!poll) return false
    this.pollsMap.set(id, Poll.parse({ ...poll, ...patch }))
    return true
  }
  removePoll(id: string): void {
    this.doc.transact(() => {
      this.pollsMap.delete(id)
      this.resultsMap.delete(id)
    })
  }
  /** The `polls` root map, to tell whether a transaction touched it. */
  get pollsType(): Y.Map<unknown> {
    return this.pollsMap
  }

  results(id: string): PollResults {
    return { ...EMPTY_RESULTS, ...(this.resultsMap.get(id) ?? {}) }
  }
  hasResults(id: string): boolean {
    return this.resultsMap.has(id)
  }
  setResults(id: string, results: PollResults): void {
    this.resultsMap.set(id, results)
  }

  leaderboard(quizId: string): Leaderboard | null {
    return this.leaderboardsMap.get(quizId) ?? null
  }
  setLeaderboard(quizId: string, board: Leaderboard): void {
    this.leaderboardsMap.set(quizId, board)
  }
}

/** Staff-only facts about polls in the moderators' document: map `pollSecrets` (id → PollSecret). */
export class ModPolls {
  constructor(readonly doc: Y.Doc) {}

  private get secretsMap() {
    return this.doc.getMap<PollSecret>('pollSecrets')
  }
  get secretsType(): Y.Map<PollSecret> {
    return this.secretsMap
  }
  secret(id: string): PollSecret {
    const raw = this.secretsMap.get(id)
    return {
      correct: Array.isArray(raw?.correct) ? raw.correct : [],
      hiddenWords: Array.isArray(raw?.hiddenWords) ? raw.hiddenWords : [],
    }
  }
  setCorrect(id: string, correct: number[]): void {
    this.secretsMap.set(id, { ...this.secret(id), correct })
  }
  setWordHidden(id: string, word: string, hidden: boolean): void {
    const current = this.secret(id)
    const words = new Set(current.hiddenWords)
    if (hidden) words.add(word)
    else words.delete(word)
    this.secretsMap.set(id, { ...current, hiddenWords: [...words] })
  }

  private get resultsMap() {
    return this.doc.getMap<PollResults>('pollResults')
  }
  /**
   * A poll's results as staff screens and the projector see them: the server writes them
   * here as often as answers change them (a few readers), and into the public document,
   * which every attendee reads, less often the larger the audience. Null before the first.
   */
  liveResults(id: string): PollResults | null {
    const raw = this.resultsMap.get(id)
    return raw ? { ...EMPTY_RESULTS, ...raw } : null
  }
  setLiveResults(id: string, results: PollResults): void {
    this.resultsMap.set(id, results)
  }
}

/** A new poll's definition with the defaults filled in. */
export function newPoll(fields: Partial<Poll> & Pick<Poll, 'kind' | 'question'>): Poll {
  return Poll.parse({
    ...POLL_DEFAULTS,
    id: newId(),
    createdAt: Date.now(),
    ...fields,
  })
}

/** What an attendee answers, before the entry's bookkeeping. */
export type PollAnswer = Pick<PollAnswerEntry, 'choices' | 'rating' | 'text'>

/**
 * Writes the attendee's answer to a poll into their outbox (`entries` map of an outbox
 * document): one entry per poll, its `seq` raised on each change. Returns the entry id.
 */
export function answerPoll(
  outbox: Y.Doc,
  pollId: string,
  answer: Partial<PollAnswer>,
  now: number = Date.now(),
): string {
  const entries = outbox.getMap<unknown>('entries')
  const id = pollAnswerEntryId(pollId)
  const previous = entries.get(id) as { seq?: number } | undefined
  const seq = Math.max((previous?.seq ?? 0) + 1, now)
  const entry: PollAnswerEntry = {
    type: 'poll-answer',
    id,
    seq,
    createdAt: now,
    pollId,
    choices: answer.choices ?? [],
    rating: answer.rating ?? null,
    text: answer.text ?? null,
  }
  entries.set(id, entry)
  return id
}

/** The attendee's own answer to a poll as they last wrote it, if any. */
export function myPollAnswer(outbox: Y.Doc, pollId: string): PollAnswerEntry | null {
  const raw = outbox.getMap<unknown>('entries').get(pollAnswerEntryId(pollId)) as
    | PollAnswerEntry
    | undefined
  return raw?.type === 'poll-answer' ? raw : null
}
