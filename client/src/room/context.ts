import { type Accessor, createContext, createMemo, useContext } from 'solid-js'
import type { SessionConnection } from '../lib/session.ts'

/** What the attendee room reads: the connection minus its lifecycle. */
export type RoomModel = Pick<
  SessionConnection,
  | 'identity'
  | 'public'
  | 'outbox'
  | 'version'
  | 'presence'
  | 'status'
  | 'unsynced'
  | 'synced'
  | 'serverNow'
>

export const RoomContext = createContext<RoomModel>()

export function useRoom(): RoomModel {
  const room = useContext(RoomContext)
  if (!room) throw new Error('useRoom() outside a RoomContext provider')
  return room
}

/** A value derived from the documents, recomputed whenever any of them changes. */
export function derive<T>(
  room: RoomModel,
  fn: () => T,
  equals?: (a: T, b: T) => boolean,
): Accessor<T> {
  return createMemo(
    () => {
      room.version()
      return fn()
    },
    undefined,
    equals ? { equals } : undefined,
  )
}

export const sameJson = <T>(a: T, b: T) => JSON.stringify(a) === JSON.stringify(b)
export const sameList = <T>(a: readonly T[], b: readonly T[]) =>
  a.length === b.length && a.every((x, i) => x === b[i])
