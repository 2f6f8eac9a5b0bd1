/**
 * Whether a session description sends audio or video: some audio/video m-section whose
 * direction is sendrecv or sendonly (sendrecv is the default when none is given).
 * Viewers may only offer or answer to receive.
 */
export function sdpSendsMedia(sdp: string): boolean {
  const sections = sdp.split(/\r?\nm=/).slice(1)
  for (const section of sections) {
    const kind = section.slice(0, section.indexOf(' '))
    if (kind !== 'audio' && kind !== 'video') continue
    // A rejected m-section (port 0) carries nothing.
    if (/^\w+ 0 /.test(section)) continue
    const direction =
      /\r?\na=(sendrecv|sendonly|recvonly|inactive)\b/.exec(section)?.[1] ?? 'sendrecv'
    if (direction === 'sendrecv' || direction === 'sendonly') return true
  }
  return false
}
