import type { beforeHandleMessagePayload, beforeSyncPayload, Extension } from '@hocuspocus/server'
import { CloseCode } from '@podium/shared'
import { TokenBucket } from '@podium/shared/server'
import type { Logger } from 'pino'
import type { Metrics } from '../observability/metrics.ts'
import { isConnectionContext } from '../sync/context.ts'
import { OutboxSizes } from './outbox-size.ts'

export interface LimitsOptions {
  metrics: Metrics
  log: Logger
  /** Frames per second one connection may send to one document, and the burst allowed. */
  framesPerSecond?: number
  frameBurst?: number
  /** Bytes an outbox (its whole encoded state) may grow to by what its owner sends. */
  maxOutboxBytes?: number
}

/** Sync steps that carry an update to apply (step 2 and an update). */
const WRITES = new Set([1, 2])

/**
 * Limits: caps per-connection frame rate and the size an outbox can grow to. A breach
 * closes only the offending socket with a coded reason; nothing is applied.
 * (Oversized and malformed frames, and updates that write what an outbox does not hold,
 * never get here: the sync endpoint closes those with 1009 and 4400.)
 */
export class Limits implements Extension {
  priority = 950
  extensionName = 'podium-limits'
  /**
   * Each connection's frames (one socket's link to one document), keyed by the connection
   * itself: a lookup per frame, no key built and hashed, gone with the connection.
   */
  private readonly buckets = new WeakMap<object, TokenBucket>()
  private readonly outboxSizes: OutboxSizes
  private readonly framesPerSecond: number
  private readonly frameBurst: number

  constructor(private readonly options: LimitsOptions) {
    this.framesPerSecond = options.framesPerSecond ?? 100
    this.frameBurst = options.frameBurst ?? 400
    this.outboxSizes = new OutboxSizes(options.maxOutboxBytes ?? 2 * 1024 * 1024)
  }

  async beforeHandleMessage(data: beforeHandleMessagePayload): Promise<void> {
    let bucket = this.buckets.get(data.connection)
    if (!bucket) {
      bucket = new TokenBucket(this.framesPerSecond, this.frameBurst)
      this.buckets.set(data.connection, bucket)
    }
    if (!bucket.take()) this.refuse('rate', CloseCode.rateLimited, 'too-many-frames', data)
  }

  /** An update to an outbox counts against the whole document's size, whoever sends it. */
  async beforeSync(data: beforeSyncPayload): Promise<void> {
    const context = data.context
    if (!WRITES.has(data.type) || data.connection.readOnly) return
    if (!isConnectionContext(context) || context.address.kind !== 'outbox') return
    if (!this.outboxSizes.take(data.document, data.payload.byteLength))
      this.refuse('outbox-size', CloseCode.frameTooLarge, 'outbox-full', data)
  }

  private refuse(
    kind: string,
    code: number,
    reason: string,
    data: Pick<beforeSyncPayload, 'documentName' | 'connection'>,
  ): never {
    this.options.metrics.refusedFrames.labels(kind).inc()
    this.options.log.warn(
      { document: data.documentName, socketId: data.connection.socketId, reason },
      'frame refused',
    )
    // Close the whole socket with the code: closing only this document would leave the
    // socket open to go on sending (Hocuspocus sends a document close without any code).
    data.connection.webSocket.close(code, reason)
    throw { code, reason }
  }
}
