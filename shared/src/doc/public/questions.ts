import type * as Y from 'yjs'
import type { Question } from '../schema.ts'
import { shownAuthorId } from '../schema.ts'
import { readMap, sameValue, writeFields } from '../yhelpers.ts'

// How a question is stored in its Y.Map, and the layout of documents written before
// protocol 2 (read as they are, moved to the new one when a question's body is next written).

/**
 * What a question's fields are until someone sets them. A new question is written
 * without them (a field in a Y.Map costs its key and an item header in every copy of
 * the document: a third of a big session's size was these defaults) and reading fills
 * them in; any later write, back to a default too, is stored as usual.
 */
export const QUESTION_DEFAULTS = {
  editedAt: null,
  status: 'published',
  pinned: false,
  pinnedAt: null,
  answered: false,
  answeredAt: null,
  votes: 0,
  labels: [],
} as const satisfies Partial<Question>

/**
 * What a question is made of when it is asked, stored as one value under `body`: the
 * text, the author's id and name, and when it was asked. One map entry instead of four
 * (each entry costs its key and an item header in every copy of the document) and no
 * `id` field (the question's key is its id). Only the server changes it, when the author
 * edits the text, so nothing concurrent is lost by replacing it whole.
 */
type QuestionBody = [
  text: string,
  authorId: string | null,
  authorName: string | null,
  createdAt: number,
]
const BODY_FIELDS = ['text', 'authorId', 'authorName', 'createdAt'] as const
type BodyField = (typeof BODY_FIELDS)[number]

const bodyOf = (q: Pick<Question, BodyField>): QuestionBody => [
  q.text,
  shownAuthorId(q.authorId, q.authorName),
  q.authorName,
  q.createdAt,
]

/**
 * A question's body fields, from either layout: `body` (since protocol 2) or the fields
 * one by one (documents written before it, which stay as they are until a question's
 * body is next written). An author id stored with no name (written before anonymous
 * entries left it out) is not read.
 */
export function readBody(map: Y.Map<unknown>): Pick<Question, BodyField> {
  const body = map.get('body')
  if (Array.isArray(body)) {
    const [text, authorId, authorName, createdAt] = body as QuestionBody
    return { text, authorId: shownAuthorId(authorId, authorName), authorName, createdAt }
  }
  const authorName = map.get('authorName') as string | null
  return {
    text: map.get('text') as string,
    authorId: shownAuthorId((map.get('authorId') as string | undefined) ?? null, authorName),
    authorName,
    createdAt: map.get('createdAt') as number,
  }
}

/** Whether a question's stored body holds an author id next to no name (see readBody). */
export function storesNamelessAuthor(map: Y.Map<unknown>): boolean {
  const body = map.get('body')
  if (Array.isArray(body)) return body[1] !== null && body[2] === null
  return map.get('authorId') != null && map.get('authorName') === null
}

export function readQuestion(id: string, map: Y.Map<unknown>): Question {
  const { body: _body, ...fields } = readMap<Partial<Question> & { body?: QuestionBody }>(map)
  return { ...QUESTION_DEFAULTS, labels: [], ...fields, ...readBody(map), id } as Question
}

/** Fills a new question's map: its body, and only the fields that differ from their default. */
export function writeNewQuestion(map: Y.Map<unknown>, question: Question): void {
  map.set('body', bodyOf(question))
  const defaults: Record<string, unknown> = QUESTION_DEFAULTS
  for (const [key, value] of Object.entries(question)) {
    if (key === 'id' || (BODY_FIELDS as readonly string[]).includes(key)) continue
    if (key in defaults && sameValue(defaults[key], value)) continue
    map.set(key, value)
  }
}

/** Writes `patch` into a question's map: body fields as one new body, the rest field by field. */
export function writeQuestion(map: Y.Map<unknown>, patch: Partial<Question>): void {
  const fields: Record<string, unknown> = { ...patch }
  delete fields.id
  for (const field of BODY_FIELDS) delete fields[field]
  if (BODY_FIELDS.some((field) => patch[field] !== undefined)) {
    const given = Object.entries(patch).filter(([, value]) => value !== undefined)
    const body = bodyOf({ ...readBody(map), ...Object.fromEntries(given) })
    if (!sameValue(map.get('body'), body)) map.set('body', body)
    // A question written before `body` keeps its fields until now; they go with it.
    for (const legacy of [...BODY_FIELDS, 'id']) if (map.has(legacy)) map.delete(legacy)
  }
  writeFields(map, fields)
}
