import { EventEmitter } from 'node:events'
import { WebSocket } from 'ws'

/**
 * What the peer server gets instead of the raw WebSocket: the same surface it uses
 * (`on('message' | 'close' | 'error')`, `send`, `close`), but every incoming frame
 * passes `inspect` first, which returns the frame to hand on (re-serialized) or null.
 */
export class GatedSocket extends EventEmitter {
  constructor(
    private readonly socket: WebSocket,
    inspect: (data: Buffer, isBinary: boolean) => string | null,
  ) {
    super()
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      const forwarded = inspect(data, isBinary)
      if (forwarded !== null) this.emit('message', forwarded)
    })
    socket.on('close', () => this.emit('close'))
    socket.on('error', (error) => this.emit('error', error))
  }

  get readyState(): number {
    return this.socket.readyState
  }

  send(data: string): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(data)
  }

  close(code?: number, reason?: string): void {
    this.socket.close(code, reason)
  }
}
