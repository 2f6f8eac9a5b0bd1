import {
  answerPoll,
  type Leaderboard,
  ModPolls,
  myPollAnswer,
  newPoll,
  type Poll,
  type PollAnswer,
  type PollAnswerEntry,
  type PollResults,
  PublicPolls,
  pollAnswerEntryId,
  REJECT_MESSAGES,
  type Receipt,
} from '@podium/shared'
import type * as Y from 'yjs'

/** A poll as screens show it: its definition, results and (for quizzes) leaderboard. */
export interface PollView {
  poll: Poll
  results: PollResults
  leaderboard: Leaderboard | null
}

/**
 * Every poll of the session, oldest first, with its results. Given the moderators'
 * document (staff screens, the projector), the results are the ones the server writes
 * there as answers come; the room's, in the public document, follow less often the larger
 * the audience.
 */
export function pollViews(pub: Y.Doc, mod?: Y.Doc | null): PollView[] {
  const polls = new PublicPolls(pub)
  const live = mod ? new ModPolls(mod) : null
  return polls.polls().map((poll) => ({
    poll,
    results: live?.liveResults(poll.id) ?? polls.results(poll.id),
    leaderboard: poll.quizId ? polls.leaderboard(poll.quizId) : null,
  }))
}

/**
 * What the room and the projector show: the polls that are open, else the one closed last
 * (its results stay up until staff open another).
 */
export function shownPolls(views: PollView[]): PollView[] {
  const open = views.filter((v) => v.poll.status === 'open')
  if (open.length > 0) return open
  const closed = views
    .filter((v) => v.poll.status === 'closed')
    .sort((a, b) => (b.results.closedAt ?? 0) - (a.results.closedAt ?? 0))
  return closed.slice(0, 1)
}

/** Where the attendee's answer stands. */
export type AnswerState = 'none' | 'sending' | 'review' | 'counted' | 'refused'

export interface MyAnswer {
  entry: PollAnswerEntry | null
  state: AnswerState
  /** Why it was refused, in words for people. */
  reason: string | null
}

export function myAnswer(outbox: Y.Doc, pollId: string): MyAnswer {
  const entry = myPollAnswer(outbox, pollId)
  if (!entry) return { entry: null, state: 'none', reason: null }
  const receipt = outbox.getMap<Receipt>('receipts').get(pollAnswerEntryId(pollId))
  if (!receipt || receipt.seq !== entry.seq) return { entry, state: 'sending', reason: null }
  if (receipt.status === 'rejected') {
    const reason = receipt.reason ? REJECT_MESSAGES[receipt.reason] : null
    // A moderator's reason, when they gave one, follows the general sentence.
    const detail = receipt.detail ? ` ${receipt.detail}` : ''
    return { entry, state: 'refused', reason: reason === null ? null : `${reason}${detail}` }
  }
  // Open text while the session pre-moderates: shown once a moderator approves it.
  if (receipt.status === 'pending') return { entry, state: 'review', reason: null }
  return { entry, state: 'counted', reason: null }
}

export function submitAnswer(outbox: Y.Doc, pollId: string, answer: Partial<PollAnswer>): void {
  answerPoll(outbox, pollId, answer)
}

/** The fraction of answers (0 to 1) each count is, for bars. */
export function shares(counts: readonly number[], total: number): number[] {
  return counts.map((c) => (total > 0 ? c / total : 0))
}

/** What staff do with polls. Right quiz options go to the moderators' document. */
export const pollActions = {
  create(
    pub: Y.Doc,
    mod: Y.Doc,
    fields: Partial<Poll> & Pick<Poll, 'kind' | 'question'>,
    correct: number[] = [],
  ): Poll {
    const poll = newPoll(fields)
    new PublicPolls(pub).putPoll(poll)
    if (poll.kind === 'quiz') new ModPolls(mod).setCorrect(poll.id, correct)
    return poll
  },
  open(pub: Y.Doc, id: string): void {
    new PublicPolls(pub).updatePoll(id, { status: 'open' })
  },
  close(pub: Y.Doc, id: string): void {
    new PublicPolls(pub).updatePoll(id, { status: 'closed' })
  },
  remove(pub: Y.Doc, id: string): void {
    new PublicPolls(pub).removePoll(id)
  },
  hideWord(mod: Y.Doc, id: string, word: string, hidden: boolean): void {
    new ModPolls(mod).setWordHidden(id, word, hidden)
  },
}

export const KIND_LABELS: Record<Poll['kind'], string> = {
  single: 'Single choice',
  multiple: 'Multiple choice',
  rating: 'Rating 1–5',
  text: 'Open text',
  words: 'Word cloud',
  quiz: 'Quiz question',
}

/** Seconds left of a quiz question on the server's clock, or null when not timed. */
export function secondsLeft(view: PollView, serverNow: number): number | null {
  if (view.poll.kind !== 'quiz' || view.poll.status !== 'open') return null
  const opened = view.results.openedAt
  if (opened === null) return view.poll.timeLimitSec
  return Math.max(0, Math.ceil((opened + view.poll.timeLimitSec * 1000 - serverNow) / 1000))
}
