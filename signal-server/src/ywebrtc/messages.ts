import { z } from 'zod'

const Topic = z.string().min(1).max(200)

/** The y-webrtc signaling protocol: JSON text frames, one of these per frame. */
export const SignalMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribe'), topics: z.array(Topic).max(16) }),
  z.object({ type: z.literal('unsubscribe'), topics: z.array(Topic).max(16) }),
  // y-webrtc puts its (encrypted) payload in further fields; they are relayed as they came.
  z.looseObject({ type: z.literal('publish'), topic: Topic }),
  z.object({ type: z.literal('ping') }),
])
export type SignalMessage = z.infer<typeof SignalMessage>

export function decodeSignalMessage(data: Buffer): SignalMessage | null {
  try {
    const parsed = SignalMessage.safeParse(JSON.parse(data.toString('utf8')))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}
