import { PublicDoc } from '@podium/shared'
import * as Y from 'yjs'
import { LightClient } from '../client/socket.ts'
import { until } from '../gen/control.ts'
import { benchQuestion } from '../gen/roles/publish.ts'
import type { Room, RunningTarget } from '../targets/index.ts'
import { StepStopped } from './context.ts'

/** A moderator connection held by the coordinator, to prepare a session's content. */
export class Moderator {
  readonly doc = new Y.Doc()
  readonly pub = new PublicDoc(this.doc)
  private readonly client: LightClient
  private readonly acknowledges: boolean
  /** Why the server closed this connection, if it did. */
  closedWith: string | null = null

  private constructor(target: RunningTarget, room: Room) {
    // Hocuspocus acknowledges every applied update; y-websocket does not.
    this.acknowledges = target.endpoint.wire === 'hocuspocus'
    this.client = new LightClient({
      wire: target.endpoint.wire,
      url: target.endpoint.url,
      channels: [{ name: room.publicDoc, token: room.moderator.token, doc: this.doc }],
      onClose: (code, reason) => {
        this.closedWith = `${code}${reason ? ` ${reason}` : ''}`
      },
    })
  }

  static async connect(target: RunningTarget, room: Room): Promise<Moderator> {
    const moderator = new Moderator(target, room)
    await until(
      () => moderator.client.synced || moderator.client.closed || moderator.client.denied,
      30_000,
    )
    if (!moderator.client.synced) {
      moderator.close()
      throw new StepStopped(
        `moderator could not sync (${moderator.client.channels[0]?.deniedReason ?? 'closed'})`,
      )
    }
    return moderator
  }

  /** Publishes `ids` as questions, `perTransaction` at a time, and waits until the server has them. */
  async publish(ids: string[], perTransaction = 50, text = shortText): Promise<void> {
    const channel = this.client.channels[0]!
    const before = channel.acks
    let transactions = 0
    for (let i = 0; i < ids.length; i += perTransaction) {
      this.doc.transact(() => {
        for (const id of ids.slice(i, i + perTransaction))
          this.pub.putQuestion(benchQuestion(id, text(id)))
      })
      transactions++
      // Let the socket drain now and then; a huge burst is not what moderators do.
      if (transactions % 20 === 0) await new Promise((r) => setTimeout(r, 10))
    }
    await this.settled(before + transactions)
  }

  /** Waits until the server acknowledged `acks` updates (Hocuspocus) or a moment (y-websocket). */
  async settled(acks: number): Promise<void> {
    const channel = this.client.channels[0]!
    if (this.acknowledges) await until(() => channel.acks >= acks, 60_000)
    else await new Promise((r) => setTimeout(r, 500))
  }

  get acks(): number {
    return this.client.channels[0]!.acks
  }

  close(): void {
    this.client.close()
  }
}

const shortText = (id: string) => `Question ${id}`

/** A question of a typical length (about 110 characters), for sizing documents honestly. */
export const typicalText = (id: string) =>
  `Question ${id}: how does this approach hold up when the audience doubles, and what would you change first?`

/** Ids valid everywhere (Podium's ID_PATTERN): `<prefix><index>x<random>`. */
export function questionIds(prefix: string, count: number): string[] {
  const tag = Math.random().toString(36).slice(2, 8)
  return Array.from({ length: count }, (_, i) => `${prefix}${i}x${tag}`)
}
