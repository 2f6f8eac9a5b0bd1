import { createSocket } from 'node:dgram'

/** Whether a UDP port on this machine is free (nothing bound to it). */
export function udpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4')
    socket.once('error', () => resolve(false))
    socket.bind(port, () => socket.close(() => resolve(true)))
  })
}

/**
 * An even port whose next one is free too: ffmpeg receives RTP on it and RTCP on the
 * next. Chosen at random among the high ports and checked, so two broadcasts (or another
 * program) do not collide.
 */
export async function rtpPortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 2 * Math.floor(15_000 + Math.random() * 7_000)
    if ((await udpPortFree(port)) && (await udpPortFree(port + 1))) return port
  }
  throw new Error('no free UDP ports for the broadcast')
}

/** Waits until something (ffmpeg) has bound `port`, or the time runs out. */
export async function untilBound(port: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (!(await udpPortFree(port))) return true
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return false
}
