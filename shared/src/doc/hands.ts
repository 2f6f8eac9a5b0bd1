import type * as Y from 'yjs'
import { z } from 'zod'

/** The key an attendee's hand is stored under in their outbox: one entry, rewritten. */
export const HAND_ENTRY_ID = 'hand'

/** A raised hand in the moderators' document (map `hands`, user id → hand). */
export const RaisedHand = z.object({
  userId: z.string(),
  name: z.string().nullable(),
  /** When the server took the raise (its clock): the queue's order and the wait shown. */
  raisedAt: z.number(),
  /** When staff called on this person, and who did; null while they wait. */
  calledAt: z.number().nullable(),
  calledBy: z.string().nullable(),
})
export type RaisedHand = z.infer<typeof RaisedHand>

/**
 * The raised hands, in the moderators' document. The ingest writes a hand when its owner
 * raises or lowers it (their outbox's `hand` entry); "call on" (the API) marks it. Staff
 * read it; only the server writes it (PERM-FIELD-13).
 */
export class HandsDoc {
  static readonly MAP = 'hands'

  constructor(readonly doc: Y.Doc) {}

  private get map() {
    return this.doc.getMap<unknown>(HandsDoc.MAP)
  }

  hand(userId: string): RaisedHand | null {
    const parsed = RaisedHand.safeParse(this.map.get(userId))
    return parsed.success ? parsed.data : null
  }

  /** Waiting hands first, longest waiting first; then those called on, latest call first. */
  queue(): RaisedHand[] {
    const hands: RaisedHand[] = []
    for (const value of this.map.values()) {
      const parsed = RaisedHand.safeParse(value)
      if (parsed.success) hands.push(parsed.data)
    }
    const waiting = hands
      .filter((h) => h.calledAt === null)
      .sort((a, b) => a.raisedAt - b.raisedAt || a.userId.localeCompare(b.userId))
    const called = hands
      .filter((h) => h.calledAt !== null)
      .sort((a, b) => (b.calledAt ?? 0) - (a.calledAt ?? 0))
    return [...waiting, ...called]
  }

  /** Raises `userId`'s hand; a hand already up keeps its place. Returns whether it changed. */
  raise(userId: string, name: string | null, at: number): boolean {
    if (this.hand(userId)) return false
    this.map.set(userId, { userId, name, raisedAt: at, calledAt: null, calledBy: null })
    return true
  }

  lower(userId: string): boolean {
    if (!this.map.has(userId)) return false
    this.map.delete(userId)
    return true
  }

  call(userId: string, by: string, at: number): RaisedHand | null {
    const hand = this.hand(userId)
    if (!hand) return null
    const called = { ...hand, calledAt: at, calledBy: by }
    this.map.set(userId, called)
    return called
  }

  observe(fn: () => void): () => void {
    this.map.observe(fn)
    return () => this.map.unobserve(fn)
  }
}

/** Who was called on last, in the public document (map `calledOn`): the room and projector show it. */
export const CalledOn = z.object({
  userId: z.string(),
  name: z.string().nullable(),
  at: z.number(),
  /** Whether they were invited to the video stage too. */
  toStage: z.boolean(),
})
export type CalledOn = z.infer<typeof CalledOn>

export function calledOn(doc: Y.Doc): CalledOn | null {
  const parsed = CalledOn.safeParse(doc.getMap<unknown>('calledOn').toJSON())
  return parsed.success ? parsed.data : null
}

export function setCalledOn(doc: Y.Doc, value: CalledOn): void {
  const map = doc.getMap<unknown>('calledOn')
  doc.transact(() => {
    for (const [key, v] of Object.entries(CalledOn.parse(value))) map.set(key, v)
  })
}

/**
 * What the server tells a person it called on, in their own outbox (map `call`, written
 * by the server only): when, and the link to the video stage when it invited them there.
 */
export const CallNotice = z.object({ at: z.number(), stageInvite: z.string().nullable() })
export type CallNotice = z.infer<typeof CallNotice>

export function callNotice(outbox: Y.Doc): CallNotice | null {
  const parsed = CallNotice.safeParse(outbox.getMap<unknown>('call').toJSON())
  return parsed.success ? parsed.data : null
}

export function setCallNotice(outbox: Y.Doc, notice: CallNotice): void {
  const map = outbox.getMap<unknown>('call')
  outbox.transact(() => {
    map.set('at', notice.at)
    map.set('stageInvite', notice.stageInvite)
  })
}

/** Whether this user's hand is up, as they last set it (before any receipt). */
export function myHand(outbox: Y.Doc): boolean {
  const entry = outbox.getMap<unknown>('entries').get(HAND_ENTRY_ID) as
    | { type?: string; raised?: boolean }
    | undefined
  return entry?.type === 'hand' && entry.raised === true
}

/** Raises or lowers this user's hand: one outbox entry, rewritten with a higher seq. */
export function setHand(outbox: Y.Doc, raised: boolean, now: number = Date.now()): string {
  const entries = outbox.getMap<unknown>('entries')
  const previous = entries.get(HAND_ENTRY_ID) as { seq?: number } | undefined
  // Entries carry whole milliseconds; a clock corrected by a measured offset may not.
  const at = Math.floor(now)
  const seq = Math.max((previous?.seq ?? 0) + 1, at)
  entries.set(HAND_ENTRY_ID, { type: 'hand', id: HAND_ENTRY_ID, seq, createdAt: at, raised })
  return HAND_ENTRY_ID
}
