import type * as Y from 'yjs'
import { z } from 'zod'

/** Whether the stage is being recorded now, as the server wrote it. */
export const RecordingFlag = z.object({
  on: z.boolean(),
  /** When the current recording started (ms since the epoch); null when off. */
  since: z.number().nullable(),
})
export type RecordingFlag = z.infer<typeof RecordingFlag>

const OFF: RecordingFlag = { on: false, since: null }

/**
 * The recording flag in the public document (map `recording`: `on`, `since`), so every
 * room screen and the projector can tell people that the stage is being recorded. Only
 * the server writes it (FIELD_WRITERS): it is set when Janus starts recording and
 * cleared when it stops, whatever a client writes.
 */
export class RecordingDoc {
  constructor(readonly doc: Y.Doc) {}

  private get map() {
    return this.doc.getMap<unknown>('recording')
  }

  flag(): RecordingFlag {
    const parsed = RecordingFlag.safeParse({
      on: this.map.get('on') ?? false,
      since: this.map.get('since') ?? null,
    })
    return parsed.success ? parsed.data : OFF
  }

  set(flag: RecordingFlag): void {
    const current = this.flag()
    if (current.on === flag.on && current.since === flag.since) return
    this.doc.transact(() => {
      this.map.set('on', flag.on)
      this.map.set('since', flag.since)
    })
  }

  observe(fn: () => void): () => void {
    this.map.observe(fn)
    return () => this.map.unobserve(fn)
  }
}
