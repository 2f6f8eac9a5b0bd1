/**
 * The picture size a VP8 RTP payload carries when it starts a keyframe (RFC 7741: the
 * payload descriptor, then the frame header whose keyframes hold a start code and the
 * width and height), or null for any other packet. Tells which simulcast layer a
 * viewer receives without decoding.
 */
export function vp8KeyframeSize(payload: Uint8Array): { width: number; height: number } | null {
  if (payload.length < 1) return null
  const first = payload[0]!
  const extended = (first & 0x80) !== 0
  const start = (first & 0x10) !== 0
  const partition = first & 0x07
  if (!start || partition !== 0) return null
  let offset = 1
  if (extended) {
    if (payload.length < 2) return null
    const flags = payload[1]!
    offset = 2
    if (flags & 0x80) {
      // PictureID: 15 bits when its first bit (M) is set, else 7.
      if (payload.length <= offset) return null
      offset += payload[offset]! & 0x80 ? 2 : 1
    }
    if (flags & 0x40) offset += 1 // TL0PICIDX
    if (flags & 0x30) offset += 1 // TID / KEYIDX
  }
  const header = payload.subarray(offset)
  if (header.length < 10) return null
  const keyframe = (header[0]! & 0x01) === 0
  if (!keyframe || header[3] !== 0x9d || header[4] !== 0x01 || header[5] !== 0x2a) return null
  return {
    width: (header[6]! | (header[7]! << 8)) & 0x3fff,
    height: (header[8]! | (header[9]! << 8)) & 0x3fff,
  }
}
