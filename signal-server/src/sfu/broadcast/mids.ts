/**
 * The mids of a publisher's first video and audio section, from its offer: `rtp_forward`
 * names the streams to forward by mid.
 */
export function publishedMids(sdp: string): { video: string | null; audio: string | null } {
  const mids: { video: string | null; audio: string | null } = { video: null, audio: null }
  let kind: 'video' | 'audio' | null = null
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) {
      const media = line.slice(2).split(' ')[0]
      kind = media === 'video' || media === 'audio' ? media : null
    } else if (kind && line.startsWith('a=mid:') && mids[kind] === null) {
      mids[kind] = line.slice('a=mid:'.length).trim()
    }
  }
  return mids
}
