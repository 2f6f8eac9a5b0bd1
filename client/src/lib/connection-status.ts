/** What the room shows about its connection. */
export const ConnectionStatus = {
  connecting: 'connecting',
  online: 'online',
  offline: 'offline',
} as const
export type ConnectionStatus = (typeof ConnectionStatus)[keyof typeof ConnectionStatus]

/** The socket's own state, as @hocuspocus/provider reports it. */
export type SocketState = 'connecting' | 'connected' | 'disconnected'

/** After this many failed attempts in a row, a dropped connection counts as offline. */
export const OFFLINE_AFTER_FAILURES = 2

export interface StatusInputs {
  socket: SocketState
  /** navigator.onLine: false means the device knows it has no network. */
  networkUp: boolean
  /** Connection attempts that ended without connecting since the last success. */
  failures: number
}

/** A live socket is online whatever navigator.onLine says (it can be wrong); otherwise offline wins. */
export function deriveStatus({ socket, networkUp, failures }: StatusInputs): ConnectionStatus {
  switch (socket) {
    case 'connected':
      return ConnectionStatus.online
    case 'connecting':
    case 'disconnected':
      if (!networkUp || failures >= OFFLINE_AFTER_FAILURES) return ConnectionStatus.offline
      return ConnectionStatus.connecting
    default: {
      const unknown: never = socket
      throw new Error(`unknown socket state ${String(unknown)}`)
    }
  }
}
