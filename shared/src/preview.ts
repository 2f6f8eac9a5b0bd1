import type { PublicDoc } from './doc/public/index.ts'
import { isMine, type Me, QuestionOrder, rankQuestions } from './ranking.ts'
import type { PreviewQuestion, RoomPreview } from './schemas/api.ts'

/** How many questions a room preview carries: the room's first screenful of its list. */
export const PREVIEW_QUESTIONS = 40

/**
 * A preview before it is addressed to anyone: each question still has the author id the
 * document shows (null for a question that names nobody).
 */
export interface RankedPreview extends Omit<RoomPreview, 'questions'> {
  questions: Array<Omit<PreviewQuestion, 'mine'> & { authorId: string | null }>
}

/**
 * The top of the room's list as its default view orders it (Popular, answered or not,
 * published only), with what each item shows: the text, the author, the count, the badges
 * and the number of visible replies.
 */
export function rankedPreview(pub: PublicDoc, limit: number = PREVIEW_QUESTIONS): RankedPreview {
  const ranked = rankQuestions(pub.questions(), QuestionOrder.popular, { answered: 'all' })
  return {
    title: pub.meta().title,
    total: ranked.length,
    spotlightQuestionId: pub.stage().spotlightQuestionId,
    questions: ranked.slice(0, limit).map((q) => ({
      id: q.id,
      text: q.text,
      authorId: q.authorId,
      authorName: q.authorName,
      votes: q.votes,
      answered: q.answered,
      pinned: q.pinned,
      edited: q.editedAt !== null,
      replies: pub.replies(q.id).filter((r) => !r.hidden).length,
    })),
  }
}

/**
 * The preview as `me` sees it: which questions are theirs (by the author the document
 * names, or among the questions they asked without a name), and no author ids.
 */
export function previewFor(ranked: RankedPreview, me: Me): RoomPreview {
  return {
    ...ranked,
    questions: ranked.questions.map(({ authorId, ...q }) => ({
      ...q,
      mine: isMine({ id: q.id, authorId }, me),
    })),
  }
}
