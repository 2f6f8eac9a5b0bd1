import * as Y from 'yjs'
import type { SessionSettings } from '../../schemas/settings.ts'
import { DEFAULT_SETTINGS } from '../../schemas/settings.ts'
import type {
  AgendaItem,
  Label,
  PublicSnapshot,
  Question,
  Reply,
  SessionMeta,
  Stage,
  TimerCommand,
} from '../schema.ts'
import { STOPPED_TIMER } from '../timer.ts'
import { readMap, writeFields } from '../yhelpers.ts'
import { mergeAgenda, readAgenda } from './agenda.ts'
import { cachedQuestion, forgetQuestion, questionCache } from './question-cache.ts'
import {
  QUESTION_DEFAULTS,
  readBody,
  storesNamelessAuthor,
  writeNewQuestion,
  writeQuestion,
} from './questions.ts'
import { dropReplyIndex, replyIndex, shownReply } from './replies.ts'

/** How long an instance's participant count counts without a refresh. */
export const PRESENCE_STALE_MS = 90_000

interface InstancePresence {
  count: number
  at: number
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
      writeNewQuestion(map, question)
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

  /** The agenda in order, each item once (see agenda.ts for what two devices' edits make). */
  agenda(): AgendaItem[] {
    return readAgenda(this.agendaArray)
  }
  /**
   * Makes the agenda `items` by changing only what differs, so edits made elsewhere at
   * the same time merge with this one (see agenda.ts).
   */
  setAgenda(items: AgendaItem[]): void {
    this.doc.transact(() => mergeAgenda(this.agendaArray, items))
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
