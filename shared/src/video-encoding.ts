/**
 * What the video stage captures and sends: the camera and screen capture settings and
 * the ladder of encodings each viewer's connection steps along. The client encodes with
 * these, and bench/mesh-limit.ts measures the mesh with the same numbers.
 */

/** One step of a ladder: applied to a video sender with RTCRtpSender.setParameters. */
export interface Rung {
  maxBitrate: number
  scaleResolutionDownBy: number
  maxFramerate: number
}

export const FeedKind = { camera: 'camera', screen: 'screen' } as const
export type FeedKind = (typeof FeedKind)[keyof typeof FeedKind]

/** Camera: fewer pixels as well as fewer bits. Screen: text stays sharp; frame rate gives way. */
export const LADDERS: Record<FeedKind, readonly Rung[]> = {
  camera: [
    { maxBitrate: 900_000, scaleResolutionDownBy: 1, maxFramerate: 30 },
    { maxBitrate: 500_000, scaleResolutionDownBy: 1.5, maxFramerate: 30 },
    { maxBitrate: 250_000, scaleResolutionDownBy: 2, maxFramerate: 20 },
    { maxBitrate: 120_000, scaleResolutionDownBy: 4, maxFramerate: 12 },
  ],
  screen: [
    { maxBitrate: 1_200_000, scaleResolutionDownBy: 1, maxFramerate: 15 },
    { maxBitrate: 600_000, scaleResolutionDownBy: 1, maxFramerate: 8 },
    { maxBitrate: 300_000, scaleResolutionDownBy: 1.5, maxFramerate: 5 },
    { maxBitrate: 150_000, scaleResolutionDownBy: 2, maxFramerate: 3 },
  ],
}

/** What the camera is asked for; adaptation scales down from here per viewer. */
export const CAMERA_CONSTRAINTS: MediaTrackConstraints = {
  width: { ideal: 960 },
  height: { ideal: 540 },
  frameRate: { ideal: 30, max: 30 },
}
export const SCREEN_CONSTRAINTS: MediaTrackConstraints = { frameRate: { ideal: 15, max: 15 } }
