import { PublicDoc, QUESTION_DEFAULTS, type Question } from '@podium/shared'
import * as Y from 'yjs'
import { LightClient } from '../../client/socket.ts'
import { markerId, nowMicros } from '../../wire/markers.ts'
import { type Control, sleep, until } from '../control.ts'
import type { PublishParams } from '../messages.ts'

export interface PublishReady {
  synced: boolean
  denied: string | null
}

export interface PublishDone {
  published: number
  /** How late the publishes ran against their schedule (ms), at worst. */
  maxSlipMs: number
  acked: number
}

/** A question as a moderator publishes it directly into the public document. */
export function benchQuestion(id: string, text: string, now = Date.now()): Question {
  return {
    id,
    text,
    authorId: 'bench-moderator',
    authorName: 'Moderator',
    createdAt: now,
    ...QUESTION_DEFAULTS,
    labels: [],
  }
}

/**
 * The moderator: one client with a full replica of the public document that writes a
 * question every `everyMs` through the PublicDoc accessor, its id carrying the publish
 * time.
 */
export async function publish(params: PublishParams, control: Control): Promise<void> {
  const doc = new Y.Doc()
  const client = new LightClient({
    wire: params.endpoint.wire,
    url: params.endpoint.url,
    channels: [{ name: params.moderator.publicDoc, token: params.moderator.token, doc }],
  })
  await until(() => client.synced || client.closed || client.denied, 30_000)
  const channel = client.channels[0]!
  await control.phase('ready', {
    synced: client.synced,
    denied: channel.deniedReason,
  } satisfies PublishReady)
  if (!client.synced) {
    client.close()
    return
  }

  await control.signal('go')
  const pub = new PublicDoc(doc)
  const start = performance.now()
  let maxSlip = 0
  for (let seq = 0; seq < params.count; seq++) {
    const due = start + seq * params.everyMs
    const wait = due - performance.now()
    if (wait > 0) await sleep(wait)
    maxSlip = Math.max(maxSlip, performance.now() - due)
    pub.putQuestion(benchQuestion(markerId(seq, nowMicros()), `Benchmark question ${seq}`))
  }
  // Hocuspocus acknowledges each applied update (y-websocket has no acknowledgements).
  if (params.endpoint.wire === 'hocuspocus') await until(() => channel.acks >= params.count, 5_000)
  await control.phase('done', {
    published: params.count,
    maxSlipMs: maxSlip,
    acked: channel.acks,
  } satisfies PublishDone)
  await control.signal('close')
  client.close()
  await sleep(100)
}
