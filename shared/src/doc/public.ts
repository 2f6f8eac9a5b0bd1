import * as Y from 'yjs'
import type { SessionSettings } from '../schemas/settings.ts'
import { DEFAULT_SETTINGS } from '../schemas/settings.ts'
import type {
  AgendaItem,
  Label,
  PublicSnapshot,
  Question,
  Reply,
  SessionMeta,
  Stage,
  TimerCommand,
  TimerState,
} from './schema.ts'
import { shownAuthorId } from './schema.ts'
import { readMap, sameValue, writeFields } from './yhelpers.ts'

/** How long an instance's participant count counts without a refresh. */
export const PRESENCE_STALE_MS = 90_000

interface InstancePresence {
  count: number
  at: number
}

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
function readBody(map: Y.Map<unknown>): Pick<Question, BodyField> {
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
function storesNamelessAuthor(map: Y.Map<unknown>): boolean {
  const body = map.get('body')
  if (Array.isArray(body)) return body[1] !== null && body[2] === null
  return map.get('authorId') != null && map.get('authorName') === null
}

/** A reply as readers get it: no author id without a name. */
function shownReply(reply: Reply): Reply {
  const authorId = shownAuthorId(reply.authorId, reply.authorName)
  return authorId === reply.authorId ? reply : { ...reply, authorId }
}

function readQuestion(id: string, map: Y.Map<unknown>): Question {
  const { body: _body, ...fields } = readMap<Partial<Question> & { body?: QuestionBody }>(map)
  return { ...QUESTION_DEFAULTS, labels: [], ...fields, ...readBody(map), id } as Question
}

/** Writes `patch` into a question's map: body fields as one new body, the rest field by field. */
function writeQuestion(map: Y.Map<unknown>, patch: Partial<Question>): void {
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

export const STOPPED_TIMER: TimerState = {
  durationMs: 0,
  state: 'stopped',
  startedAt: null,
  elapsedMs: 0,
}

/**
 * Typed access to a session's public document `session/<id>`.
 * Layout: maps `meta`, `settings`, `stage`, `questions` (id → Y.Map: the `body` set when
 * asked, and the fields that change one by one, so pin, answered and votes merge),
 * `replies`, `labels`, `presence`; array `agenda`.
 */
export class PublicDoc {
  /** The root map of participant counts (one entry per server instance). */
  static readonly PRESENCE = 'presence'

  constructor(readonly doc: Y.Doc) {}

  private get metaMap() {
    return this.doc.getMap<unknown>('meta')
  }
  private get settingsMap() {
    return this.doc.getMap<unknown>('settings')
  }
  private get stageMap() {
    return this.doc.getMap<unknown>('stage')
  }
  private get questionsMap() {
    return this.doc.getMap<Y.Map<unknown>>('questions')
  }
  private get repliesMap() {
    return this.doc.getMap<Reply>('replies')
  }
  private get labelsMap() {
    return this.doc.getMap<Label>('labels')
  }
  private get presenceMap() {
    return this.doc.getMap<unknown>(PublicDoc.PRESENCE)
  }
  private get agendaArray() {
    return this.doc.getArray<AgendaItem>('agenda')
  }

  /** True once the server has written the session's meta (an empty doc is still syncing). */
  get ready(): boolean {
    return this.metaMap.has('title')
  }

  meta(): SessionMeta {
    return {
      title: '',
      description: '',
      status: 'draft',
      code: '',
      createdAt: 0,
      ...readMap<Partial<SessionMeta>>(this.metaMap),
    }
  }
  setMeta(patch: Partial<SessionMeta>): void {
    this.doc.transact(() => writeFields(this.metaMap, patch))
  }

  settings(): SessionSettings {
    return { ...DEFAULT_SETTINGS, ...readMap<Partial<SessionSettings>>(this.settingsMap) }
  }
  setSettings(patch: Partial<SessionSettings>): void {
    this.doc.transact(() => writeFields(this.settingsMap, patch))
  }

  // Questions ---------------------------------------------------------------

  /**
   * Every question. A question read once is the same (frozen) object until its map
   * changes, so a view over thousands of them re-reads only what a change touched and can
   * compare questions by identity.
   */
  questions(): Question[] {
    const cache = questionCache(this.questionsMap)
    return [...this.questionsMap.entries()].map(([id, q]) => cachedQuestion(cache, id, q))
  }
  question(id: string): Question | undefined {
    const q = this.questionsMap.get(id)
    return q ? cachedQuestion(questionCache(this.questionsMap), id, q) : undefined
  }
  /**
   * What an attendee's action on a question is checked against (who asked it, answered,
   * status), read without building the whole question: the ingest asks for every vote.
   */
  questionGate(
    id: string,
  ): Pick<Question, 'authorId' | 'authorName' | 'answered' | 'status'> | undefined {
    const map = this.questionsMap.get(id)
    if (!map) return undefined
    const { authorId, authorName } = readBody(map)
    return {
      authorId,
      authorName,
      answered: (map.get('answered') as boolean | undefined) ?? QUESTION_DEFAULTS.answered,
      status: (map.get('status') as Question['status'] | undefined) ?? QUESTION_DEFAULTS.status,
    }
  }
  /** A question's vote count, or undefined when there is no such question. */
  voteCount(id: string): number | undefined {
    const map = this.questionsMap.get(id)
    if (!map) return undefined
    return (map.get('votes') as number | undefined) ?? QUESTION_DEFAULTS.votes
  }
  hasQuestion(id: string): boolean {
    return this.questionsMap.has(id)
  }
  putQuestion(question: Question): void {
    forgetQuestion(this.questionsMap, question.id)
    this.doc.transact(() => {
      const existing = this.questionsMap.get(question.id)
      if (existing) {
        writeQuestion(existing, question)
        return
      }
      const map = new Y.Map<unknown>()
      map.set('body', bodyOf(question))
      const defaults: Record<string, unknown> = QUESTION_DEFAULTS
      for (const [key, value] of Object.entries(question)) {
        if (key === 'id' || (BODY_FIELDS as readonly string[]).includes(key)) continue
        if (key in defaults && sameValue(defaults[key], value)) continue
        map.set(key, value)
      }
      this.questionsMap.set(question.id, map)
    })
  }
  updateQuestion(id: string, patch: Partial<Omit<Question, 'id'>>): boolean {
    const map = this.questionsMap.get(id)
    if (!map) return false
    forgetQuestion(this.questionsMap, id)
    this.doc.transact(() => writeQuestion(map, patch))
    return true
  }
  removeQuestion(id: string): void {
    forgetQuestion(this.questionsMap, id)
    this.doc.transact(() => {
      this.questionsMap.delete(id)
      const replies = this.replies(id)
      if (replies.length > 0) dropReplyIndex(this.repliesMap)
      for (const reply of replies) this.repliesMap.delete(reply.id)
    })
  }
  /** Vote counts come from the server's votes table; one transaction for many questions. */
  setVoteCounts(counts: Iterable<[string, number]>): void {
    this.doc.transact(() => {
      for (const [id, votes] of counts) {
        const map = this.questionsMap.get(id)
        if (map && (map.get('votes') ?? QUESTION_DEFAULTS.votes) !== votes) {
          forgetQuestion(this.questionsMap, id)
          map.set('votes', votes)
        }
      }
    })
  }

  // Replies -----------------------------------------------------------------

  /** Replies oldest first: all of them, or one question's. */
  replies(questionId?: string): Reply[] {
    if (questionId === undefined) {
      return [...this.repliesMap.values()].map(shownReply).sort((a, b) => a.createdAt - b.createdAt)
    }
    return [...(replyIndex(this.repliesMap).get(questionId) ?? [])]
  }
  hasReply(id: string): boolean {
    return this.repliesMap.has(id)
  }
  putReply(reply: Reply): void {
    dropReplyIndex(this.repliesMap)
    this.repliesMap.set(reply.id, shownReply(reply))
  }
  removeReply(id: string): void {
    dropReplyIndex(this.repliesMap)
    this.repliesMap.delete(id)
  }
  setReplyHidden(id: string, hidden: boolean): void {
    const reply = this.repliesMap.get(id)
    if (reply && reply.hidden !== hidden) {
      dropReplyIndex(this.repliesMap)
      this.repliesMap.set(id, { ...shownReply(reply), hidden })
    }
  }

  /**
   * Takes the author ids out of questions and replies that name nobody, where a document
   * written before they were left out still stores them (readers never see them, but
   * whoever syncs the document holds its raw values). Says whether anything changed.
   */
  forgetNamelessAuthors(): boolean {
    let changed = false
    this.doc.transact(() => {
      for (const [id, map] of this.questionsMap.entries()) {
        if (!storesNamelessAuthor(map)) continue
        forgetQuestion(this.questionsMap, id)
        writeQuestion(map, { authorId: null })
        changed = true
      }
      for (const [id, reply] of this.repliesMap.entries()) {
        const shown = shownReply(reply)
        if (shown === reply) continue
        dropReplyIndex(this.repliesMap)
        this.repliesMap.set(id, shown)
        changed = true
      }
    })
    return changed
  }

  // Labels ------------------------------------------------------------------

  labels(): Label[] {
    return [...this.labelsMap.values()].sort((a, b) => a.name.localeCompare(b.name))
  }
  putLabel(label: Label): void {
    this.labelsMap.set(label.id, label)
  }
  removeLabel(id: string): void {
    this.labelsMap.delete(id)
  }

  // Agenda and stage --------------------------------------------------------

  /**
   * The agenda in order. Two devices that change the same item while apart each put
   * their version in its place; the first of them is read (the same on every replica).
   */
  agenda(): AgendaItem[] {
    const seen = new Set<string>()
    return this.agendaArray.toArray().filter((item) => {
      if (seen.has(item.id)) return false
      seen.add(item.id)
      return true
    })
  }
  /**
   * Makes the agenda `items` by changing only what differs: items that stay as they are
   * are left in place, so edits made elsewhere at the same time (another item renamed,
   * one added) merge with this one instead of the two whole lists being put one after
   * the other.
   */
  setAgenda(items: AgendaItem[]): void {
    const current = this.agendaArray.toArray().map(agendaKey)
    const wanted = items.map(agendaKey)
    const kept = commonSubsequence(current, wanted)
    this.doc.transact(() => {
      for (let i = current.length - 1; i >= 0; i--) {
        if (!kept.fromA.has(i)) this.agendaArray.delete(i, 1)
      }
      // What remains is the kept items in order; each new item goes in at its index.
      for (let j = 0; j < items.length; j++) {
        if (!kept.fromB.has(j)) this.agendaArray.insert(j, [items[j]!])
      }
    })
  }

  stage(): Stage {
    const raw = readMap<Partial<Stage> & { timerCommand?: TimerCommand }>(this.stageMap)
    return {
      currentItemId: raw.currentItemId ?? null,
      spotlightQuestionId: raw.spotlightQuestionId ?? null,
      timer: raw.timer ?? STOPPED_TIMER,
    }
  }
  setStage(patch: Partial<Stage>): void {
    this.doc.transact(() => writeFields(this.stageMap, patch))
  }
  /** Staff ask for a timer change; the server stamps it with its own clock (see timer.ts). */
  requestTimer(command: TimerCommand): void {
    this.stageMap.set('timerCommand', command)
  }
  pendingTimerCommand(): TimerCommand | null {
    return (this.stageMap.get('timerCommand') as TimerCommand | undefined) ?? null
  }
  clearTimerCommand(): void {
    this.stageMap.delete('timerCommand')
  }

  // Presence ----------------------------------------------------------------

  /**
   * People connected now: the sum over server instances of what each last reported.
   * An instance that stopped reporting (crashed) is left out after PRESENCE_STALE_MS.
   */
  participants(now: number = Date.now()): number {
    let total = 0
    for (const value of this.presenceMap.values()) {
      const entry = value as Partial<InstancePresence> | undefined
      if (entry && typeof entry.count === 'number' && now - (entry.at ?? 0) < PRESENCE_STALE_MS)
        total += entry.count
    }
    return total
  }
  /** The server instance `instanceId` reports how many people it has connected. */
  setParticipants(instanceId: string, count: number, now: number = Date.now()): void {
    this.presenceMap.set(instanceId, { count, at: now } satisfies InstancePresence)
  }
  /** When this instance last reported (to refresh it before it goes stale). */
  participantsReportedAt(instanceId: string): number {
    return (this.presenceMap.get(instanceId) as InstancePresence | undefined)?.at ?? 0
  }

  snapshot(): PublicSnapshot {
    return {
      meta: this.meta(),
      settings: this.settings(),
      agenda: this.agenda(),
      stage: this.stage(),
      questions: this.questions(),
      replies: this.replies(),
      labels: this.labels(),
      participants: this.participants(),
    }
  }

  /** Calls `fn` after every change to the document; returns the unsubscribe function. */
  onChange(fn: (transaction: Y.Transaction) => void): () => void {
    const handler = (_update: Uint8Array, _origin: unknown, _doc: Y.Doc, tr: Y.Transaction) =>
      fn(tr)
    this.doc.on('update', handler)
    return () => this.doc.off('update', handler)
  }
}

/**
 * Questions as last read, per document's `questions` map. An entry goes when its question
 * changes: at once for a write through PublicDoc (a read later in the same transaction
 * sees it), and for any other change (a remote update, a write to the maps directly)
 * before the transaction's observers run, from the types the transaction changed.
 */
const questionCaches = new WeakMap<Y.Map<Y.Map<unknown>>, Map<string, Question>>()

function questionCache(questions: Y.Map<Y.Map<unknown>>): Map<string, Question> {
  let cache = questionCaches.get(questions)
  if (!cache) {
    const created = new Map<string, Question>()
    questions.doc?.on('beforeObserverCalls', (transaction: Y.Transaction) => {
      for (const id of changedQuestionIds(transaction, questions)) created.delete(id)
    })
    questionCaches.set(questions, created)
    cache = created
  }
  return cache
}

function cachedQuestion(cache: Map<string, Question>, id: string, map: Y.Map<unknown>): Question {
  let question = cache.get(id)
  if (!question) {
    question = readQuestion(id, map)
    Object.freeze(question.labels)
    cache.set(id, Object.freeze(question))
  }
  return question
}

function forgetQuestion(questions: Y.Map<Y.Map<unknown>>, id: string): void {
  questionCaches.get(questions)?.delete(id)
}

/** The ids of the questions a transaction added, removed or changed. */
export function changedQuestionIds(
  transaction: Y.Transaction,
  questions: Y.Map<Y.Map<unknown>>,
): Set<string> {
  const ids = new Set<string>()
  for (const [type, keys] of transaction.changed) {
    if ((type as unknown) === questions) {
      for (const key of keys) if (key !== null) ids.add(key)
    } else if (type._item?.parent === questions && typeof type._item.parentSub === 'string') {
      ids.add(type._item.parentSub)
    }
  }
  return ids
}

/**
 * Replies grouped by question and sorted, built once per change of a document's replies:
 * each item of a long question list asks for its question's replies, and each ask used to
 * scan and sort all of them (5,000 items × 500 replies on every change of the document).
 * Dropped when the replies change: by the writes above at once, so a read later in the
 * same transaction sees them, and by any other change (a remote update) when it lands.
 */
const replyIndexes = new WeakMap<Y.Map<Reply>, { byQuestion: Map<string, Reply[]> | null }>()

function replyIndex(map: Y.Map<Reply>): Map<string, Reply[]> {
  let entry = replyIndexes.get(map)
  if (!entry) {
    const created: { byQuestion: Map<string, Reply[]> | null } = { byQuestion: null }
    map.observe(() => {
      created.byQuestion = null
    })
    replyIndexes.set(map, created)
    entry = created
  }
  if (!entry.byQuestion) {
    const byQuestion = new Map<string, Reply[]>()
    for (const stored of map.values()) {
      const reply = shownReply(stored)
      const list = byQuestion.get(reply.questionId)
      if (list) list.push(reply)
      else byQuestion.set(reply.questionId, [reply])
    }
    for (const list of byQuestion.values()) list.sort((a, b) => a.createdAt - b.createdAt)
    entry.byQuestion = byQuestion
  }
  return entry.byQuestion
}

function dropReplyIndex(map: Y.Map<Reply>): void {
  const entry = replyIndexes.get(map)
  if (entry) entry.byQuestion = null
}

/** An agenda item as a comparable string (field by field, whatever their order in the object). */
const agendaKey = (item: AgendaItem): string =>
  JSON.stringify([item.id, item.title, item.durationSec])

/** A longest common subsequence of `a` and `b`: the indices of its items in each. */
function commonSubsequence(a: string[], b: string[]): { fromA: Set<number>; fromB: Set<number> } {
  const n = a.length
  const m = b.length
  // lengths[i][j]: the longest common subsequence of a[i..] and b[j..].
  const lengths = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1))
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i]![j] =
        a[i] === b[j]
          ? lengths[i + 1]![j + 1]! + 1
          : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!)
    }
  }
  const fromA = new Set<number>()
  const fromB = new Set<number>()
  for (let i = 0, j = 0; i < n && j < m; ) {
    if (a[i] === b[j]) {
      fromA.add(i++)
      fromB.add(j++)
    } else if (lengths[i + 1]![j]! >= lengths[i]![j + 1]!) i++
    else j++
  }
  return { fromA, fromB }
}
