import { randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { WebSocket } from 'ws'

/**
 * A client of Janus's API over its WebSocket transport (`janus-protocol`), for the
 * signal-server only: browsers never reach it. Requests carry the API secret and a
 * transaction; synchronous answers (`success`, `error`) and the asynchronous `event` of a
 * plugin message are matched to their request by transaction. Events of a handle that
 * answer nothing (a publisher left, media stopped) go to that handle's listeners.
 */

export interface Jsep {
  type: 'offer' | 'answer'
  sdp: string
  /** A simulcast offer's rids: listed highest first (`hml`, Janus's default) or lowest first. */
  rid_order?: 'hml' | 'lmh'
}

export interface JanusEvent {
  janus: string
  sender?: number
  session_id?: number
  transaction?: string
  plugindata?: { plugin: string; data: Record<string, unknown> }
  jsep?: Jsep
  error?: { code: number; reason: string }
  data?: { id: number }
  [key: string]: unknown
}

export class JanusError extends Error {
  override name = 'JanusError'
  constructor(
    readonly code: number,
    reason: string,
  ) {
    super(reason)
  }
}

const REQUEST_TIMEOUT_MS = 10_000
const KEEPALIVE_MS = 20_000

interface Pending {
  resolve: (event: JanusEvent) => void
  reject: (error: Error) => void
  /** A plugin message: wait past the `ack` for its `event` (or `success`). */
  async: boolean
  timer: NodeJS.Timeout
}

export class JanusConnection extends EventEmitter {
  private readonly pending = new Map<string, Pending>()
  private readonly handles = new Map<number, (event: JanusEvent) => void>()
  private closed = false

  private constructor(
    private readonly socket: WebSocket,
    private readonly apiSecret: string | undefined,
  ) {
    super()
    socket.on('message', (data: Buffer) => this.receive(data))
    socket.on('close', () => this.fail(new Error('the connection to Janus closed')))
    socket.on('error', (error) => this.emit('error', error))
  }

  /** Opens the WebSocket; rejects with a readable message when Janus does not answer. */
  static open(url: string, apiSecret?: string, timeoutMs = 5000): Promise<JanusConnection> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, 'janus-protocol', { handshakeTimeout: timeoutMs })
      socket.once('open', () => resolve(new JanusConnection(socket, apiSecret)))
      socket.once('error', (error) =>
        reject(new Error(`Janus does not answer at ${url}: ${error.message}`)),
      )
    })
  }

  get isOpen(): boolean {
    return !this.closed && this.socket.readyState === WebSocket.OPEN
  }

  private receive(data: Buffer) {
    let event: JanusEvent
    try {
      event = JSON.parse(data.toString()) as JanusEvent
    } catch {
      return
    }
    const pending = event.transaction ? this.pending.get(event.transaction) : undefined
    if (pending && event.transaction) {
      if (event.janus === 'ack' && pending.async) return
      this.pending.delete(event.transaction)
      clearTimeout(pending.timer)
      if (event.janus === 'error')
        pending.reject(new JanusError(event.error?.code ?? 0, event.error?.reason ?? 'error'))
      else {
        const pluginError = event.plugindata?.data?.error
        if (typeof pluginError === 'string')
          pending.reject(
            new JanusError(Number(event.plugindata?.data?.error_code ?? 0), pluginError),
          )
        else pending.resolve(event)
      }
      return
    }
    if (event.sender !== undefined) this.handles.get(event.sender)?.(event)
    if (event.janus === 'timeout' && event.session_id !== undefined)
      this.emit('session-timeout', event.session_id)
  }

  private fail(error: Error) {
    this.closed = true
    for (const [, pending] of this.pending) {
      clearTimeout(pending.timer)
      pending.reject(error)
    }
    this.pending.clear()
    this.emit('close')
  }

  request(body: Record<string, unknown>, async = false): Promise<JanusEvent> {
    if (!this.isOpen) return Promise.reject(new Error('the connection to Janus is closed'))
    const transaction = randomBytes(9).toString('base64url')
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(transaction)
        reject(new Error(`Janus did not answer ${String(body.janus)} in time`))
      }, REQUEST_TIMEOUT_MS)
      this.pending.set(transaction, { resolve, reject, async, timer })
      this.socket.send(
        JSON.stringify({
          ...body,
          transaction,
          ...(this.apiSecret ? { apisecret: this.apiSecret } : {}),
        }),
      )
    })
  }

  /** A Janus session with a keepalive; destroyed with `destroy`. */
  async createSession(): Promise<JanusSession> {
    const created = await this.request({ janus: 'create' })
    const id = created.data?.id
    if (typeof id !== 'number') throw new Error('Janus created a session without an id')
    return new JanusSession(this, id)
  }

  onHandle(handleId: number, listener: (event: JanusEvent) => void) {
    this.handles.set(handleId, listener)
  }

  offHandle(handleId: number) {
    this.handles.delete(handleId)
  }

  close() {
    this.closed = true
    this.socket.close()
  }
}

export class JanusSession {
  private readonly keepalive: NodeJS.Timeout
  private readonly owned = new Set<number>()
  destroyed = false

  constructor(
    readonly connection: JanusConnection,
    readonly id: number,
  ) {
    this.keepalive = setInterval(() => {
      this.connection.request({ janus: 'keepalive', session_id: this.id }).catch(() => undefined)
    }, KEEPALIVE_MS)
    this.keepalive.unref()
  }

  async attach(plugin: string, onEvent: (event: JanusEvent) => void): Promise<JanusHandle> {
    const attached = await this.connection.request({
      janus: 'attach',
      session_id: this.id,
      plugin,
    })
    const handleId = attached.data?.id
    if (typeof handleId !== 'number') throw new Error('Janus attached a handle without an id')
    this.owned.add(handleId)
    this.connection.onHandle(handleId, onEvent)
    return new JanusHandle(this, handleId)
  }

  forget(handleId: number) {
    this.owned.delete(handleId)
    this.connection.offHandle(handleId)
  }

  /** Ends the session and every handle in it: their media stop at once. */
  async destroy(): Promise<void> {
    if (this.destroyed) return
    this.destroyed = true
    clearInterval(this.keepalive)
    for (const handleId of this.owned) this.connection.offHandle(handleId)
    this.owned.clear()
    if (this.connection.isOpen)
      await this.connection
        .request({ janus: 'destroy', session_id: this.id })
        .catch(() => undefined)
  }
}

export class JanusHandle {
  constructor(
    readonly session: JanusSession,
    readonly id: number,
  ) {}

  /** A plugin request answered at once (`success`): create, exists, list, configure… */
  async sync(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const answer = await this.session.connection.request({
      janus: 'message',
      session_id: this.session.id,
      handle_id: this.id,
      body,
    })
    return answer.plugindata?.data ?? {}
  }

  /** A plugin request answered by an `event` (join, publish, start…), with its jsep. */
  async send(body: Record<string, unknown>, jsep?: Jsep): Promise<JanusEvent> {
    return this.session.connection.request(
      {
        janus: 'message',
        session_id: this.session.id,
        handle_id: this.id,
        body,
        ...(jsep ? { jsep } : {}),
      },
      true,
    )
  }

  trickle(
    candidate: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null } | null,
  ) {
    return this.session.connection.request({
      janus: 'trickle',
      session_id: this.session.id,
      handle_id: this.id,
      candidate: candidate ?? { completed: true },
    })
  }

  async detach(): Promise<void> {
    this.session.forget(this.id)
    if (this.session.destroyed || !this.session.connection.isOpen) return
    await this.session.connection
      .request({ janus: 'detach', session_id: this.session.id, handle_id: this.id })
      .catch(() => undefined)
  }
}
