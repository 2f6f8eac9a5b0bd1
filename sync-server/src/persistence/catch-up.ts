import type { afterUnloadDocumentPayload, beforeSyncPayload, Extension } from '@hocuspocus/server'
import type { Logger } from 'pino'
import * as Y from 'yjs'
import { CAUGHT_UP_ORIGIN } from './extension.ts'
import type { DocumentStore } from './store.ts'

/** y-protocols' SyncStep2: what the client has that the server's state vector lacks. */
const SYNC_STEP_2 = 1

/** A document whose stored state was merged in is not read again for this long. */
export const CATCH_UP_GAP_MS = 2_000

/**
 * With several instances: a read-only client (an attendee on the public document) whose
 * sync step carries what this instance's copy lacks has what another instance wrote and
 * showed it, but never relayed here through Redis (it died in between). A read-only client
 * cannot hand it over, so it would stay unsynced, and a value it holds (a tally, say) would
 * win over every later write of this instance, which cannot supersede what it never saw.
 * What an instance shows it has stored first (the ingest holds its writes until stored), so
 * the stored state is merged into this copy (and passed on to the other instances): the
 * client is then synced, and the next writes supersede it. One read at a time per document, and none for CATCH_UP_GAP_MS
 * after one (a client whose content was never stored does not make every sync step a read).
 */
export class CatchUp implements Extension {
  priority = 850
  extensionName = 'podium-catch-up'
  private readonly reading = new Map<string, Promise<void>>()
  private readonly readAt = new Map<string, number>()

  constructor(
    private readonly store: DocumentStore,
    private readonly log: Logger,
    private readonly gapMs = CATCH_UP_GAP_MS,
    private readonly now: () => number = Date.now,
  ) {}

  async beforeSync({
    connection,
    document,
    documentName,
    type,
    payload,
  }: beforeSyncPayload): Promise<void> {
    if (type !== SYNC_STEP_2 || !connection.readOnly) return
    if (Y.snapshotContainsUpdate(Y.snapshot(document), payload)) return
    const reading = this.reading.get(documentName)
    if (reading) return reading
    if (this.now() - (this.readAt.get(documentName) ?? -Infinity) < this.gapMs) return
    this.readAt.set(documentName, this.now())
    const read = this.store
      .load(documentName)
      .then((stored) => {
        if (stored && !document.isDestroyed) Y.applyUpdate(document, stored, CAUGHT_UP_ORIGIN)
      })
      .catch((error: unknown) =>
        this.log.warn({ err: error, document: documentName }, 'catching up from storage failed'),
      )
      .finally(() => this.reading.delete(documentName))
    this.reading.set(documentName, read)
    return read
  }

  async afterUnloadDocument({ documentName }: afterUnloadDocumentPayload): Promise<void> {
    this.readAt.delete(documentName)
  }
}
