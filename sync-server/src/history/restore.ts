import { isDeepStrictEqual } from 'node:util'
import { type Poll, type PublicDoc, PublicPolls, type PublicSnapshot } from '@podium/shared'

/**
 * Writes `target`'s content into `pub` as new changes, through the accessors and in one
 * transaction, changing only what differs: so history is kept, and connected clients
 * receive one ordinary update.
 *
 * Restored: title and description, settings, agenda, the stage's current item and
 * spotlight, labels, questions and replies (present ones are updated, missing ones
 * re-created, newer ones removed). Kept as they are: the status and join code (the
 * host controls those), the timer (a past clock reading means nothing now), the
 * participant count, and vote counts, which come from the votes table: `votes(id)` gives
 * the count for a question that has to be re-created.
 *
 * Polls are restored as they were defined (`polls`: present ones rewritten, missing ones
 * re-created, newer ones removed with their results). Their answers are people's, in the
 * `poll_answers` table, and stay: the ingest counts every restored poll's results again
 * from them, so results always agree with the answers kept.
 */
export function restoreSnapshot(
  pub: PublicDoc,
  target: PublicSnapshot,
  votes: (questionId: string) => number,
  polls: Poll[] = [],
): void {
  pub.doc.transact(() => {
    pub.setMeta({ title: target.meta.title, description: target.meta.description })
    pub.setSettings(target.settings)
    if (!isDeepStrictEqual(pub.agenda(), target.agenda)) pub.setAgenda(target.agenda)
    pub.setStage({
      currentItemId: target.stage.currentItemId,
      spotlightQuestionId: target.stage.spotlightQuestionId,
    })

    const labels = new Map(target.labels.map((l) => [l.id, l]))
    for (const label of pub.labels()) if (!labels.has(label.id)) pub.removeLabel(label.id)
    const currentLabels = new Map(pub.labels().map((l) => [l.id, l]))
    for (const label of target.labels) {
      if (!isDeepStrictEqual(currentLabels.get(label.id), label)) pub.putLabel(label)
    }

    const questions = new Map(target.questions.map((q) => [q.id, q]))
    for (const q of pub.questions()) if (!questions.has(q.id)) pub.removeQuestion(q.id)
    for (const question of target.questions) {
      const { id, votes: _ignored, ...fields } = question
      if (pub.hasQuestion(id)) pub.updateQuestion(id, fields)
      else pub.putQuestion({ ...question, votes: votes(id) })
    }

    const replies = new Map(target.replies.map((r) => [r.id, r]))
    const current = new Map(pub.replies().map((r) => [r.id, r]))
    for (const id of current.keys()) if (!replies.has(id)) pub.removeReply(id)
    for (const reply of target.replies) {
      if (!isDeepStrictEqual(current.get(reply.id), reply)) pub.putReply(reply)
    }

    const shown = new PublicPolls(pub.doc)
    const wanted = new Map(polls.map((p) => [p.id, p]))
    for (const poll of shown.polls()) if (!wanted.has(poll.id)) shown.removePoll(poll.id)
    for (const poll of polls) {
      if (!isDeepStrictEqual(shown.poll(poll.id), poll)) shown.putPoll(poll)
    }
  })
}
