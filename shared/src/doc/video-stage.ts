import type * as Y from 'yjs'
import { z } from 'zod'

/** Whether a publisher shares a screen, and how: as a second feed or in place of the camera. */
export const ScreenMode = { off: 'off', added: 'added', replaced: 'replaced' } as const
export type ScreenMode = (typeof ScreenMode)[keyof typeof ScreenMode]

/** One publisher on the video stage, as written by that publisher's client. */
export const StageSeat = z.object({
  userId: z.string(),
  name: z.string().nullable(),
  role: z.enum(['host', 'presenter']),
  peerId: z.string(),
  /** When this publisher went on stage (ms since the epoch). */
  since: z.number(),
  screen: z.enum(['off', 'added', 'replaced']),
  camera: z.boolean(),
  microphone: z.boolean(),
  /** Viewers connected now, and how many this publisher serves at most. */
  audience: z.number().int().nonnegative(),
  cap: z.number().int().positive(),
  /** The camera is published on the SFU too: viewers past the cap watch it there. */
  sfu: z.boolean().optional(),
})
export type StageSeat = z.infer<typeof StageSeat>

/**
 * Who is on the video stage, in the public document (map `videoStage`, user id →
 * seat). Staff write it, everyone reads it; the seat stays when a publisher's page
 * closes without leaving, which is how viewers know to wait for them to come back.
 */
export class VideoStageDoc {
  constructor(readonly doc: Y.Doc) {}

  private get map() {
    return this.doc.getMap<unknown>('videoStage')
  }

  /** Valid seats, first on stage first. */
  seats(): StageSeat[] {
    const seats: StageSeat[] = []
    for (const value of this.map.values()) {
      const parsed = StageSeat.safeParse(value)
      if (parsed.success) seats.push(parsed.data)
    }
    return seats.sort((a, b) => a.since - b.since || a.userId.localeCompare(b.userId))
  }

  seat(userId: string): StageSeat | null {
    const parsed = StageSeat.safeParse(this.map.get(userId))
    return parsed.success ? parsed.data : null
  }

  take(seat: StageSeat): void {
    this.map.set(seat.userId, StageSeat.parse(seat))
  }

  /** Changes some fields of a seat; does nothing when the user has no seat or nothing changed. */
  update(userId: string, patch: Partial<Omit<StageSeat, 'userId'>>): void {
    const current = this.seat(userId)
    if (!current) return
    const next = StageSeat.parse({ ...current, ...patch })
    if (JSON.stringify(next) !== JSON.stringify(current)) this.map.set(userId, next)
  }

  leave(userId: string): void {
    if (this.map.has(userId)) this.map.delete(userId)
  }

  observe(fn: () => void): () => void {
    this.map.observe(fn)
    return () => this.map.unobserve(fn)
  }
}
