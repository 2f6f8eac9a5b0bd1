import type { beforeHandleMessagePayload, Extension, onDisconnectPayload } from '@hocuspocus/server'
import { CloseCode } from '@podium/shared'
import type { Logger } from 'pino'
import type { Metrics } from '../metrics/registry.ts'
import { isConnectionContext } from '../sync/context.ts'
import { TokenBucket } from './token-bucket.ts'

export interface LimitsOptions {
  metrics: Metrics
  log: Logger
  /** Frames per second one connection may send to one document, and the burst allowed. */
  framesPerSecond?: number
  frameBurst?: number
  /** Bytes an outbox may grow to from what its owner sends (its encoded size is close to this). */
  maxOutboxBytes?: number
}

/**
 * Limits: caps per-connection frame rate and the size an outbox can grow to. A breach
 * closes only the offending socket with a coded reason; nothing is applied.
 * (Oversized and malformed frames never get here: the sync endpoint closes those with
 * 1009 and 4400.)
 */
export class Limits implements Extension {
  priority = 950
  extensionName = 'podium-limits'
  private readonly buckets = new Map<string, TokenBucket>()
  private readonly outboxBytes = new Map<string, number>()
  private readonly framesPerSecond: number
  private readonly frameBurst: number
  private readonly maxOutboxBytes: number

  constructor(private readonly options: LimitsOptions) {
    this.framesPerSecond = options.framesPerSecond ?? 100
    this.frameBurst = options.frameBurst ?? 400
    this.maxOutboxBytes = options.maxOutboxBytes ?? 2 * 1024 * 1024
  }

  async beforeHandleMessage(data: beforeHandleMessagePayload): Promise<void> {
    const key = `${data.socketId}:${data.documentName}`
    let bucket = this.buckets.get(key)
    if (!bucket) {
      bucket = new TokenBucket(this.framesPerSecond, this.frameBurst)
      this.buckets.set(key, bucket)
    }
    if (!bucket.take()) this.refuse('rate', CloseCode.rateLimited, 'too-many-frames', data)

    const context = data.context
    if (isConnectionContext(context) && context.address.kind === 'outbox') {
      const before = this.outboxBytes.get(data.documentName) ?? currentSize(data)
      const after = before + data.update.byteLength
      if (after > this.maxOutboxBytes)
        this.refuse('outbox-size', CloseCode.frameTooLarge, 'outbox-full', data)
      this.outboxBytes.set(data.documentName, after)
    }
  }

  async onDisconnect(data: onDisconnectPayload): Promise<void> {
    this.buckets.delete(`${data.socketId}:${data.documentName}`)
    if (data.clientsCount === 0) this.outboxBytes.delete(data.documentName)
  }

  private refuse(
    kind: string,
    code: number,
    reason: string,
    data: beforeHandleMessagePayload,
  ): never {
    this.options.metrics.refusedFrames.labels(kind).inc()
    this.options.log.warn(
      { document: data.documentName, socketId: data.socketId, reason },
      'frame refused',
    )
    // Close the whole socket with the code: closing only this document would leave the
    // socket open to go on sending (Hocuspocus sends a document close without any code).
    data.connection.webSocket.close(code, reason)
    throw { code, reason }
  }
}

/** The stored size of an outbox when its owner first writes to it in this process. */
function currentSize(data: beforeHandleMessagePayload): number {
  let bytes = 0
  data.document.getMap('entries').forEach((value) => {
    bytes += JSON.stringify(value).length
  })
  return bytes
}
