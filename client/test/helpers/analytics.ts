import type { AnalyticsLive } from '@podium/shared'

/** Live figures as the server streams them, with `over` changed. */
export const figures = (over: Partial<AnalyticsLive> = {}): AnalyticsLive => ({
  sessionId: 'session-1',
  present: 3,
  unique: 4,
  asked: 2,
  published: 2,
  rejected: 0,
  answered: 1,
  votes: 5,
  unvotes: 1,
  replies: 0,
  moderated: 0,
  lastEventAt: 1_000,
  alerts: [],
  ...over,
})

/** A stream the test writes into, as the server's response body. */
export function streamed() {
  const encoder = new TextEncoder()
  let controller!: ReadableStreamDefaultController<Uint8Array>
  const body = new ReadableStream<Uint8Array>({ start: (c) => (controller = c) })
  return {
    body,
    send: (text: string) => controller.enqueue(encoder.encode(text)),
    end: () => controller.close(),
  }
}
