import {
  type Accessor,
  createComputed,
  createContext,
  createMemo,
  createSignal,
  untrack,
  useContext,
} from 'solid-js'
import type { SessionConnection } from '../lib/session.ts'

/** What the attendee room reads: the connection minus its lifecycle. */
export type RoomModel = Pick<
  SessionConnection,
  | 'identity'
  | 'public'
  | 'outbox'
  | 'version'
  | 'presence'
  | 'changes'
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

/**
 * Like `derive`, but the value is kept in a signal, so its readers wake only when it
 * changes. For a value every item of a long list reads: a memo on `version` has each
 * change of the documents mark all its readers for checking, 5,000 of them at 5,000
 * questions, even when the value stayed the same.
 */
export function deriveSettled<T>(
  room: RoomModel,
  fn: () => T,
  equals: (a: T, b: T) => boolean = Object.is,
): Accessor<T> {
  const [value, setValue] = createSignal<T>(untrack(fn), { equals })
  let first = true
  createComputed(() => {
    room.version()
    if (first) {
      first = false
      return
    }
    const next = fn()
    setValue(() => next)
  })
  return value
}

export const sameJson = <T>(a: T, b: T) => JSON.stringify(a) === JSON.stringify(b)
export const sameList = <T>(a: readonly T[], b: readonly T[]) =>
  a.length === b.length && a.every((x, i) => x === b[i])
export const sameSet = <T>(a: ReadonlySet<T>, b: ReadonlySet<T>) =>
  a.size === b.size && [...a].every((x) => b.has(x))
