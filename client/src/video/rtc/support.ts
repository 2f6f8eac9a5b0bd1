/**
 * Why video is off for this person, in words they can act on. The room keeps working
 * for questions and polls whatever the reason.
 */
export const VideoBlocker = {
  noWebRTC: 'no-webrtc',
  insecure: 'insecure',
  noMediaDevices: 'no-media-devices',
  permissionDenied: 'permission-denied',
  noDevice: 'no-device',
  deviceBusy: 'device-busy',
  screenDenied: 'screen-denied',
  mediaFailed: 'media-failed',
} as const
export type VideoBlocker = (typeof VideoBlocker)[keyof typeof VideoBlocker]

const QA_GOES_ON = 'Questions and polls keep working.'

export function blockerText(blocker: VideoBlocker): string {
  switch (blocker) {
    case VideoBlocker.noWebRTC:
      return `This browser cannot play the video stage (it has no WebRTC). ${QA_GOES_ON}`
    case VideoBlocker.insecure:
      return `Video needs a secure connection (https). ${QA_GOES_ON}`
    case VideoBlocker.noMediaDevices:
      return `This browser gives no access to a camera or microphone, so you cannot go on stage from it. ${QA_GOES_ON}`
    case VideoBlocker.permissionDenied:
      return `Camera and microphone are blocked for this site. Allow them in the browser's site settings, then try again. ${QA_GOES_ON}`
    case VideoBlocker.noDevice:
      return `No camera or microphone was found. Connect one, then try again. ${QA_GOES_ON}`
    case VideoBlocker.deviceBusy:
      return `The camera or microphone is in use by another app, or failed to start. Close the other app, then try again. ${QA_GOES_ON}`
    case VideoBlocker.screenDenied:
      return 'Screen sharing was cancelled or is blocked. You are still on stage with your camera.'
    case VideoBlocker.mediaFailed:
      return `The camera and microphone could not be started. ${QA_GOES_ON}`
    default: {
      const unknown: never = blocker
      throw new Error(`unknown blocker ${String(unknown)}`)
    }
  }
}

/** What a page can do; taken from `window` by default, passed in by tests. */
export interface Capabilities {
  RTCPeerConnection?: unknown
  isSecureContext?: boolean
  navigator?: { mediaDevices?: { getUserMedia?: unknown } }
}

/** Can this page watch the stage? null when it can. */
export function watchBlocker(env: Capabilities = globalThis as Capabilities): VideoBlocker | null {
  if (typeof env.RTCPeerConnection !== 'function') return VideoBlocker.noWebRTC
  return null
}

/** Can this page go on stage? null when it can. */
export function publishBlocker(
  env: Capabilities = globalThis as Capabilities,
): VideoBlocker | null {
  const watch = watchBlocker(env)
  if (watch) return watch
  if (env.isSecureContext === false) return VideoBlocker.insecure
  if (typeof env.navigator?.mediaDevices?.getUserMedia !== 'function')
    return VideoBlocker.noMediaDevices
  return null
}

/** Maps a getUserMedia / getDisplayMedia failure to a blocker. */
export function mediaErrorBlocker(error: unknown, screen = false): VideoBlocker {
  const name =
    error instanceof Error || (typeof error === 'object' && error !== null)
      ? (error as Error).name
      : ''
  if (screen) return VideoBlocker.screenDenied
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return VideoBlocker.permissionDenied
    case 'NotFoundError':
    case 'OverconstrainedError':
      return VideoBlocker.noDevice
    case 'NotReadableError':
    case 'AbortError':
      return VideoBlocker.deviceBusy
    default:
      return VideoBlocker.mediaFailed
  }
}
