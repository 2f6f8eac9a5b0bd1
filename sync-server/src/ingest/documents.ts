import type { Document, Hocuspocus } from '@hocuspocus/server'
import type { ModDoc, PublicDoc } from '@podium/shared'
import type { UnloadGuard } from '../sync/unload-guard.ts'
import { KeptDocuments } from './kept-documents.ts'
import type { TickPlan } from './plan.ts'

export interface SessionDocumentsDeps {
  hocuspocus: Hocuspocus
  guard: UnloadGuard
  /** How long a document opened here stays open after its last use (KeptDocuments). */
  keepOpenMs: number
  /** The tick running now, if any: a kept document is not closed in the middle of one. */
  running(): Promise<void> | null
  /** The session's ingest stopped: what it opens then lasts only as long as the tick. */
  stopped(): boolean
}

/** Closers of documents opened for one tick, run when it ends. */
export type Opened = Array<() => Promise<void>>

/**
 * The documents one session's ticks read and write: the copy loaded on this instance, or
 * one the ingest opens itself and keeps open for a while (KeptDocuments). Each loaded copy
 * is scrubbed once of author ids that nameless entries left in it (forgetNamelessAuthors).
 */
export class SessionDocuments {
  private readonly kept: KeptDocuments
  /** Documents whose stored author ids of nameless entries are gone. */
  private readonly scrubbed = new WeakSet<object>()

  constructor(private readonly deps: SessionDocumentsDeps) {
    this.kept = new KeptDocuments(deps.hocuspocus, deps.guard, deps.running, deps.keepOpenMs)
  }

  /** The copy of `name` loaded here, once it has finished loading. */
  loaded(name: string): Document | undefined {
    const doc = this.deps.hocuspocus.documents.get(name)
    return doc && !doc.isLoading ? doc : undefined
  }

  /**
   * A document to write: the loaded one, or one opened here and kept open for a while
   * (see KeptDocuments); `opened` gets closers only for what must not outlive the tick.
   */
  async open(name: string, opened: Opened): Promise<Document> {
    const document = this.kept.use(name) ?? this.loaded(name)
    if (document) return document
    if (!this.deps.stopped()) return this.kept.open(name)
    const connection = await this.deps.guard.openDirect(this.deps.hocuspocus, name)
    opened.push(() => connection.disconnect())
    return connection.document!
  }

  /** Runs `use` with the document `name` (see open); what was opened for it closes after. */
  async withOpen(name: string, use: (doc: Document) => Promise<void>): Promise<void> {
    const opened: Opened = []
    try {
      await use(await this.open(name, opened))
    } finally {
      for (const close of opened) await close()
    }
  }

  /**
   * Once per loaded document: author ids that a document written before nameless entries
   * left them out still stores are taken out, so whoever syncs it next cannot read them.
   */
  forgetNamelessAuthors(
    pub: PublicDoc,
    mod: ModDoc | null,
    plan: Pick<TickPlan, 'publicOps' | 'modOps'>,
  ): void {
    if (!this.scrubbed.has(pub.doc)) {
      plan.publicOps.push((p) => {
        p.forgetNamelessAuthors()
        this.scrubbed.add(p.doc)
      })
    }
    if (mod && !this.scrubbed.has(mod.doc)) {
      plan.modOps.push((m) => {
        m.forgetNamelessAuthors()
        this.scrubbed.add(m.doc)
      })
    }
  }

  /** Closes what is kept open (the session stops). */
  closeAll(): Promise<void> {
    return this.kept.closeAll()
  }
}
