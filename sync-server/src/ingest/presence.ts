import type { ModDoc, PublicDoc } from '@podium/shared'
import type { DeviceClass } from '../auth/device-label.ts'
import { type EventData, EventType } from '../events/types.ts'

/** How often an instance re-reports its participant count (well inside PRESENCE_STALE_MS). */
export const PRESENCE_REFRESH_MS = 30_000

/**
 * Presence (the participant count everyone sees, who is in the room for moderators) is
 * written at most this often. Every write goes to every connected client: written per
 * tick, a join storm of hundreds a second would send each of thousands of attendees
 * twenty updates a second to move one number.
 */
export const PRESENCE_PUBLISH_MS = 1_000

/** Where the presence step writes: the tick's plan. */
export interface PresenceSink {
  publicOps: Array<(p: PublicDoc) => void>
  modOps: Array<(m: ModDoc) => void>
  event(data: EventData): void
}

/**
 * Who is connected to a session on this instance, and the tick's steps that publish it:
 * the count in the public document and each changed person in the moderators' document
 * (at most once per PRESENCE_PUBLISH_MS), and participant.joined / .left events for those
 * whose presence changed since the last announcement (every tick). `''` among the changed
 * ids means "re-report the count" (see refresh).
 */
export class Presence {
  private readonly present = new Map<
    string,
    { count: number; name: string | null; device: DeviceClass | undefined }
  >()
  private readonly dirty = new Set<string>()
  private publishedAt = Number.NEGATIVE_INFINITY
  /** Who this instance last announced as present. */
  private readonly announced = new Set<string>()
  /** Whose presence changed since the last announcement (events are not throttled). */
  private readonly unannounced = new Set<string>()

  constructor(private readonly instanceId: string) {}

  get size(): number {
    return this.present.size
  }

  /** One more (or one fewer) connection of `userId` to the public document. */
  changed(userId: string, name: string | null, delta: 1 | -1, device?: DeviceClass): void {
    const current = this.present.get(userId) ?? { count: 0, name, device }
    current.count += delta
    // The device of their first connection that says one.
    current.device ??= device
    if (current.count <= 0) this.present.delete(userId)
    else this.present.set(userId, current)
    this.dirty.add(userId)
    this.unannounced.add(userId)
  }

  /** Marks the count for re-reporting when other instances would soon see it as stale. */
  refresh(now: number, reportedAt: number): boolean {
    if (this.present.size === 0 || now - reportedAt < PRESENCE_REFRESH_MS) return false
    this.dirty.add('')
    return true
  }

  /** How long until presence may be written again (0: now). */
  waitMs(now: number): number {
    return Math.max(0, this.publishedAt + PRESENCE_PUBLISH_MS - now)
  }

  pending(): boolean {
    return this.dirty.size > 0
  }

  /** Whether this tick writes presence: something changed and it is due (or forced). */
  due(now: number, force: boolean): boolean {
    return this.dirty.size > 0 && (force || this.waitMs(now) === 0)
  }

  /** The presence step: writes what changed into the plan; returns what it took on. */
  write(now: number, out: PresenceSink): string[] {
    const changed = [...this.dirty]
    this.dirty.clear()
    this.publishedAt = now
    const participants = this.present.size
    out.publicOps.push((p) => p.setParticipants(this.instanceId, participants, now))
    out.modOps.push((m) => {
      for (const userId of changed) {
        if (!userId) continue
        const present = this.present.get(userId)
        m.setAttendee(userId, {
          name: present?.name ?? null,
          since: now,
          online: present !== undefined,
        })
      }
    })
    return changed
  }

  /**
   * The announcing step, every tick and first in it (so someone's join comes before what
   * they do): participant.joined / .left for those whose presence changed since the last
   * announcement. Returns whom it took on.
   */
  announce(out: Pick<PresenceSink, 'event'>): string[] {
    const changed = [...this.unannounced]
    this.unannounced.clear()
    for (const userId of changed) {
      const present = this.present.has(userId)
      if (present && !this.announced.has(userId)) {
        const device = this.present.get(userId)?.device
        out.event({ type: EventType.participantJoined, userId, ...(device ? { device } : {}) })
      } else if (!present && this.announced.has(userId))
        out.event({ type: EventType.participantLeft, userId })
    }
    return changed
  }

  /** A tick that failed before storing gives back what it took on. */
  giveBack(changed: readonly string[], announcing: readonly string[] = []): void {
    for (const userId of changed) this.dirty.add(userId)
    for (const userId of announcing) this.unannounced.add(userId)
  }

  /** The tick stored its events: those joined and left are announced now. */
  stored(events: ReadonlyArray<{ type: string; userId?: string }>): void {
    for (const e of events) {
      if (e.type === EventType.participantJoined && e.userId) this.announced.add(e.userId)
      else if (e.type === EventType.participantLeft && e.userId) this.announced.delete(e.userId)
    }
  }
}
