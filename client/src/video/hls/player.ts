import { HLS_PLAYER_CONFIG } from '@podium/shared'
import type Hls from 'hls.js'

export interface HlsPlayback {
  stop(): void
}

export type HlsProblem = (message: string) => void

/**
 * Plays an HLS playlist in a video element: natively where the browser can (Safari),
 * else with hls.js over Media Source Extensions (Chromium, Firefox), loaded only now.
 * Tuned for a live stage: start near the live edge, stay about two segments behind it.
 */
export async function playHls(
  video: HTMLVideoElement,
  playlist: string,
  problem: HlsProblem,
): Promise<HlsPlayback> {
  if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = playlist
    return {
      stop: () => {
        video.removeAttribute('src')
        video.load()
      },
    }
  }
  const { default: HlsJs } = await import('hls.js')
  if (!HlsJs.isSupported()) {
    problem('This browser cannot play the broadcast (it has no Media Source Extensions).')
    return { stop: () => undefined }
  }
  const hls: Hls = new HlsJs(HLS_PLAYER_CONFIG)
  let recoveries = 0
  hls.on(HlsJs.Events.ERROR, (_event, data) => {
    if (!data.fatal) return
    // A playlist that is not there yet (the broadcast is starting) or a network hiccup:
    // try again a few times before saying so.
    if (recoveries < 5 && data.type === HlsJs.ErrorTypes.NETWORK_ERROR) {
      recoveries++
      setTimeout(() => hls.startLoad(), 1000)
      return
    }
    if (recoveries < 5 && data.type === HlsJs.ErrorTypes.MEDIA_ERROR) {
      recoveries++
      hls.recoverMediaError()
      return
    }
    problem('The broadcast could not be played here; reload the page to try again.')
  })
  hls.on(HlsJs.Events.FRAG_LOADED, () => {
    recoveries = 0
  })
  hls.loadSource(playlist)
  hls.attachMedia(video)
  return { stop: () => hls.destroy() }
}
