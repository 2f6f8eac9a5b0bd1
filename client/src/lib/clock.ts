/**
 * The offset between this device's clock and the server's, measured like NTP: the
 * server's `now` is assumed to be read halfway through the round trip.
 */
export function clockOffset(sentAt: number, serverNow: number, receivedAt: number): number {
  // Whole milliseconds: times made from it go into entries whose schemas want integers
  // (an odd round trip would otherwise leave half a millisecond in every one).
  return Math.round(serverNow - (sentAt + receivedAt) / 2)
}

/** Measures the offset a few times and keeps the sample with the shortest round trip. */
export async function measureClockOffset(
  fetchServerNow: () => Promise<number>,
  samples = 3,
  now: () => number = Date.now,
): Promise<number> {
  let best: { rtt: number; offset: number } | null = null
  for (let i = 0; i < samples; i++) {
    const sentAt = now()
    const serverNow = await fetchServerNow()
    const receivedAt = now()
    const rtt = receivedAt - sentAt
    if (!best || rtt < best.rtt) best = { rtt, offset: clockOffset(sentAt, serverNow, receivedAt) }
  }
  return best?.offset ?? 0
}
