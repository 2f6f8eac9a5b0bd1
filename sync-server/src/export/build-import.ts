import {
  type AuditEntry,
  HandsDoc,
  ModDoc,
  ModPolls,
  PublicDoc,
  PublicPolls,
  ReactionsDoc,
  type ReactionsExport,
  SessionExport,
  type SessionSettings,
  STOPPED_TIMER,
} from '@podium/shared'
import * as Y from 'yjs'
import { JsonDepthScan, tooDeepDetail } from '../http/json-depth.ts'
import { HttpProblem } from '../http/problem.ts'
import { remapIds } from './remap.ts'

/** What the server chose for the new session before its documents are made. */
export interface ImportIds {
  hostUserId: string
  code: string
  now: number
}

/**
 * A new session's content, ready to store: rows' values, both documents' updates and the
 * audit log's entries (the `audit_log` table's, not a document's).
 */
export interface BuiltImport {
  title: string
  settings: SessionSettings
  /** Imported vote counts: question id (new) and count, for questions with votes. */
  tallies: Array<[string, number]>
  /** Each document as several updates, each stored as a row of its own (see BATCH). */
  publicUpdates: Uint8Array[]
  modUpdates: Uint8Array[]
  /** The export's audit entries (ids remapped), then one for the import itself. */
  audit: AuditEntry[]
  /** The export's reaction windows, stored again as the new session's. */
  reactionWindows: ReactionsExport['windows']
}

/** The instance id imported reactions are kept under, in the document and the table. */
export const IMPORTED_REACTIONS = 'import'

/**
 * Items written per transaction, so each document comes as updates of a few hundred KB:
 * stored as one row, a 23 MB export's public document (10 MB) held the server's thread
 * for 650 ms in one SQLite insert.
 */
const BATCH = 1000

/** An HttpProblem as plain data, so it can cross to another thread. */
export interface ProblemData {
  status: number
  title: string
  detail: string
  errors?: Array<{ path: string; message: string }>
}

export type ImportOutcome = { ok: true; built: BuiltImport } | { ok: false; problem: ProblemData }

/**
 * Everything an import costs in CPU, from the request's bytes to the documents' states:
 * decoding, the nesting check, parsing, validation, new ids and building both documents.
 * Runs on the import thread (import-thread.ts): on the server's thread, a 23 MB export
 * held it for 8 to 13 s on a busy 2-core machine.
 */
export function buildImport(body: Uint8Array, ids: ImportIds): ImportOutcome {
  try {
    return { ok: true, built: build(readExport(body), ids) }
  } catch (error) {
    if (!(error instanceof HttpProblem)) throw error
    const { status, title, detail, errors } = error
    return { ok: false, problem: { status, title, detail, ...(errors ? { errors } : {}) } }
  }
}

function readExport(body: Uint8Array): SessionExport {
  if (body.byteLength === 0)
    throw HttpProblem.badRequest('The export is empty; send a JSON object.')
  if (new JsonDepthScan().push(body)) throw HttpProblem.badRequest(tooDeepDetail('export'))
  const text = new TextDecoder().decode(body)
  let value: unknown
  try {
    value = JSON.parse(text, refusePrototypeKeys)
  } catch (error) {
    if (error instanceof HttpProblem) throw error
    throw HttpProblem.badRequest('The request body is not valid JSON.')
  }
  const result = SessionExport.safeParse(value)
  if (!result.success) throw HttpProblem.fromZod(result.error, 'export')
  return result.data
}

/** As Fastify's own JSON parser does: keys that would reach an object's prototype are refused. */
function refusePrototypeKeys(key: string, value: unknown): unknown {
  const reaches =
    key === '__proto__' ||
    (key === 'constructor' &&
      typeof value === 'object' &&
      value !== null &&
      Object.hasOwn(value, 'prototype'))
  if (reaches) throw HttpProblem.badRequest(`The export has a "${key}" key, which is refused.`)
  return value
}

function build(source: SessionExport, ids: ImportIds): BuiltImport {
  const data = remapIds(source)
  const { meta, settings } = data.public
  const { hostUserId, code, now } = ids

  const publicUpdates = updatesOf((doc, batches) => {
    const pub = new PublicDoc(doc)
    doc.transact(() => {
      pub.setMeta({
        title: meta.title,
        description: meta.description,
        status: 'draft',
        code,
        createdAt: now,
      })
      pub.setSettings(settings)
      pub.setAgenda(data.public.agenda)
      pub.setStage({
        currentItemId: data.public.stage.currentItemId,
        spotlightQuestionId: data.public.stage.spotlightQuestionId,
        timer: { ...STOPPED_TIMER, durationMs: data.public.stage.timer.durationMs },
      })
      for (const label of data.public.labels) pub.putLabel(label)
    })
    batches(data.public.questions, (question) => pub.putQuestion(question))
    batches(data.public.replies, (reply) => pub.putReply(reply))
    // Polls come back as drafts without answers: the export names who answered, not which
    // participant, so their answers cannot be counted again here (docs/polls.md).
    const polls = new PublicPolls(doc)
    batches(data.polls ?? [], ({ poll }) => polls.putPoll({ ...poll, status: 'draft' }))
    // The totals go on showing; live instances add their own entries beside this one.
    const reactions = data.reactions
    if (reactions && Object.keys(reactions.totals).length > 0)
      doc.transact(() =>
        new ReactionsDoc(doc).publish(IMPORTED_REACTIONS, {
          second: reactions.windows.at(-1)?.second ?? 0,
          counts: {},
          totals: reactions.totals,
        }),
      )
  })

  const modUpdates = updatesOf((doc, batches) => {
    const mod = new ModDoc(doc)
    batches(data.mod.queue, (item) => mod.enqueue(item))
    batches(data.mod.rejected, (item) => mod.putRejected(item))
    batches(Object.entries(data.mod.notes), ([questionId, text]) => mod.setNote(questionId, text))
    // A quiz question's right options, as its closed results showed them.
    const secrets = new ModPolls(doc)
    batches(data.polls ?? [], ({ poll, results }) => {
      if (poll.kind === 'quiz' && results.correct) secrets.setCorrect(poll.id, results.correct)
    })
    const hands = new HandsDoc(doc)
    batches(data.hands ?? [], (hand) => {
      hands.raise(hand.userId, hand.name, hand.raisedAt)
      if (hand.calledAt !== null && hand.calledBy !== null)
        hands.call(hand.userId, hand.calledBy, hand.calledAt)
    })
  })

  return {
    title: meta.title,
    settings,
    tallies: data.public.questions.filter((q) => q.votes > 0).map((q) => [q.id, q.votes]),
    publicUpdates,
    modUpdates,
    reactionWindows: data.reactions?.windows ?? [],
    audit: [
      ...data.mod.audit,
      {
        at: now,
        actorId: hostUserId,
        actorName: null,
        actorRole: 'host',
        action: 'import-session',
        targetId: null,
        detail: `Imported from an export made ${new Date(source.exportedAt).toISOString()}.`,
      },
    ],
  }
}

type Batches = <T>(items: readonly T[], put: (item: T) => void) => void

/** The updates of a new document that `fill` writes, in transactions of BATCH items at most. */
function updatesOf(fill: (doc: Y.Doc, batches: Batches) => void): Uint8Array[] {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  fill(doc, (items, put) => {
    for (let i = 0; i < items.length; i += BATCH) {
      doc.transact(() => {
        for (const item of items.slice(i, i + BATCH)) put(item)
      })
    }
  })
  doc.destroy()
  return updates
}
