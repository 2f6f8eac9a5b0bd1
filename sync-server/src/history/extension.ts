import type {
  afterLoadDocumentPayload,
  afterUnloadDocumentPayload,
  beforeUnloadDocumentPayload,
  Extension,
} from '@hocuspocus/server'
import { CheckpointReason, parseDocumentName } from '@podium/shared'
import type { Logger } from 'pino'
import * as Y from 'yjs'
import { isRedisOrigin } from '../sync/context.ts'
import type { CheckpointStore } from './checkpoints.ts'

export interface HistoryOptions {
  checkpoints: CheckpointStore
  log: Logger
  /** A status or agenda change is checkpointed this long after it (later changes join it). */
  debounceMs: number
  /** While the session is live, a checkpoint this often if anything changed. */
  intervalMs: number
}

type AutoReason =
  | typeof CheckpointReason.status
  | typeof CheckpointReason.agenda
  | typeof CheckpointReason.interval

interface Watch {
  sessionId: string
  doc: Y.Doc
  detach: () => void
  pending: AutoReason | null
  debounce: NodeJS.Timeout | null
  interval: NodeJS.Timeout | null
  /** The state vector at the last checkpoint, to skip interval checkpoints of nothing new. */
  checkpointed: Uint8Array | null
  saving: Promise<void>
}

/**
 * History: checkpoints of each session's public document, taken when its status or
 * agenda changes (debounced) and every `intervalMs` while it is live. A checkpoint
 * still pending when the document unloads is taken before it goes.
 */
export class History implements Extension {
  priority = 700
  extensionName = 'podium-history'
  private readonly watches = new Map<string, Watch>()

  constructor(private readonly options: HistoryOptions) {}

  async afterLoadDocument({ documentName, document }: afterLoadDocumentPayload): Promise<void> {
    const address = parseDocumentName(documentName)
    if (address?.kind !== 'public') return
    const meta = document.getMap<unknown>('meta')
    const agenda = document.getArray<unknown>('agenda')
    const watch: Watch = {
      sessionId: address.sessionId,
      doc: document,
      detach: () => undefined,
      pending: null,
      debounce: null,
      interval: null,
      checkpointed: null,
      saving: Promise.resolve(),
    }
    // Changes that arrive from another instance through Redis are checkpointed there.
    const onMeta = (event: Y.YMapEvent<unknown>) => {
      const change = event.changes.keys.get('status')
      if (!change) return
      this.schedule(watch)
      // The first status is the session being created, not a change.
      if (change.action === 'update' && !isRedisOrigin(event.transaction.origin))
        this.mark(watch, CheckpointReason.status)
    }
    const onAgenda = (event: Y.YArrayEvent<unknown>) => {
      if (!isRedisOrigin(event.transaction.origin)) this.mark(watch, CheckpointReason.agenda)
    }
    meta.observe(onMeta)
    agenda.observe(onAgenda)
    watch.detach = () => {
      meta.unobserve(onMeta)
      agenda.unobserve(onAgenda)
    }
    this.watches.set(documentName, watch)
    this.schedule(watch)
  }

  async beforeUnloadDocument({ documentName }: beforeUnloadDocumentPayload): Promise<void> {
    const watch = this.watches.get(documentName)
    if (watch) await this.flush(watch)
  }

  async afterUnloadDocument({ documentName }: afterUnloadDocumentPayload): Promise<void> {
    const watch = this.watches.get(documentName)
    if (!watch) return
    this.stop(watch)
    this.watches.delete(documentName)
    await watch.saving
  }

  async onDestroy(): Promise<void> {
    for (const watch of this.watches.values()) {
      await this.flush(watch)
      this.stop(watch)
    }
    this.watches.clear()
  }

  private mark(watch: Watch, reason: AutoReason): void {
    // A status change names the checkpoint even if agenda changes join it.
    if (watch.pending !== CheckpointReason.status) watch.pending = reason
    if (watch.debounce) return
    watch.debounce = setTimeout(() => {
      watch.debounce = null
      void this.flush(watch)
    }, this.options.debounceMs)
    watch.debounce.unref()
  }

  /** Runs the interval timer while the session is live, and only then. */
  private schedule(watch: Watch): void {
    const live = watch.doc.getMap('meta').get('status') === 'live'
    if (live && !watch.interval) {
      watch.interval = setInterval(() => {
        const vector = Y.encodeStateVector(watch.doc)
        if (watch.checkpointed && Buffer.compare(vector, watch.checkpointed) === 0) return
        void this.take(watch, CheckpointReason.interval)
      }, this.options.intervalMs)
      watch.interval.unref()
    } else if (!live && watch.interval) {
      clearInterval(watch.interval)
      watch.interval = null
    }
  }

  private async flush(watch: Watch): Promise<void> {
    if (watch.debounce) clearTimeout(watch.debounce)
    watch.debounce = null
    const reason = watch.pending
    watch.pending = null
    if (reason) await this.take(watch, reason)
    else await watch.saving
  }

  private take(watch: Watch, reason: AutoReason): Promise<void> {
    const state = Y.encodeStateAsUpdate(watch.doc)
    const vector = Y.encodeStateVector(watch.doc)
    const { checkpoints, log } = this.options
    const save = async () => {
      try {
        await checkpoints.add(watch.sessionId, state, reason)
      } catch (error) {
        log.error({ err: error, session: watch.sessionId, reason }, 'storing a checkpoint failed')
        return
      }
      watch.checkpointed = vector
      // Thinning out older checkpoints may fail and be done at the next one.
      await checkpoints
        .prune(watch.sessionId)
        .catch((error: unknown) =>
          log.warn({ err: error, session: watch.sessionId }, 'thinning out checkpoints failed'),
        )
    }
    watch.saving = watch.saving.then(save)
    return watch.saving
  }

  private stop(watch: Watch): void {
    if (watch.debounce) clearTimeout(watch.debounce)
    if (watch.interval) clearInterval(watch.interval)
    watch.debounce = null
    watch.interval = null
    watch.detach()
  }
}
