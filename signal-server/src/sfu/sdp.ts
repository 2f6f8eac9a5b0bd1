import { sdpSendsMedia } from '../peer/sdp.ts'

/**
 * Whether a session description from a browser is one Janus should see: SDP lines
 * (`x=…`), version 0, an origin and a session name, audio or video m-sections with ICE
 * credentials and a DTLS fingerprint; a publisher's offer sends media and a viewer's
 * answer does not. Returns the reason it is refused, or null.
 */
export function sdpProblem(sdp: string, role: 'publish-offer' | 'subscribe-answer'): string | null {
  const lines = sdp.split(/\r?\n/)
  if (lines.at(-1) === '') lines.pop()
  if (lines[0] !== 'v=0') return 'A session description starts with "v=0".'
  const bad = lines.findIndex((line) => !/^[a-z]=\S/.test(line))
  if (bad >= 0) return `Line ${bad + 1} of the session description is not an SDP line.`
  if (!lines.some((l) => l.startsWith('o=')) || !lines.some((l) => l.startsWith('s=')))
    return 'The session description has no origin (o=) or session name (s=).'
  const media = lines.filter((l) => l.startsWith('m='))
  if (!media.some((l) => /^m=(audio|video) \d+ [A-Z/]+ \d+( \d+)*$/.test(l)))
    return 'The session description has no audio or video section.'
  if (
    !lines.some((l) => l.startsWith('a=ice-ufrag:')) ||
    !lines.some((l) => l.startsWith('a=ice-pwd:'))
  )
    return 'The session description has no ICE credentials.'
  if (!lines.some((l) => /^a=fingerprint:\S+ [0-9A-Fa-f:]+$/.test(l)))
    return 'The session description has no DTLS fingerprint.'
  const sends = sdpSendsMedia(sdp)
  if (role === 'publish-offer' && !sends) return "A publisher's offer sends audio or video."
  return null
}

/** Whether a viewer's answer would send media: that is publishing, which viewers may not. */
export const answerPublishes = (sdp: string) => sdpSendsMedia(sdp)
