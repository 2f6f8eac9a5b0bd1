import { HLS_PLAYER_CONFIG } from '@podium/shared'
import type Hls from 'hls.js'
import { onceShown } from './shown.ts'

export interface HlsPlayback {
  stop(): void
}

export interface HlsEvents {
  /** Playback failed for good; the message says so in words. */
  problem(message: string): void
  /** The first frames were shown and the position moves on: the picture is really there. */
  shown(): void
  /** The player starts over after a failure: no picture until `shown` again. */
  restarting(): void
}

/** How often a failed playback is started again before the viewer is told. */
const RECOVERIES = 5

const CANNOT_PLAY = 'The broadcast could not be played here; reload the page to try again.'

/**
 * Plays an HLS playlist in a video element, tuned for a live stage (start near the live
 * edge, stay about two segments behind it): with hls.js over Media Source Extensions
 * wherever the browser has them (Chromium, Firefox, Safari), loaded only now; natively
 * only where it has none (Safari on older iPhones). Chromium also answers `maybe` for HLS
 * now, but its own player ignores the live-edge settings and, in the browser test, gave
 * up on this stream with DEMUXER_ERROR_COULD_NOT_PARSE in about half the runs.
 */
export async function playHls(
  video: HTMLVideoElement,
  playlist: string,
  events: HlsEvents,
): Promise<HlsPlayback> {
  const { default: HlsJs } = await import('hls.js')
  if (!HlsJs.isSupported()) {
    if (video.canPlayType('application/vnd.apple.mpegurl'))
      return playNatively(video, playlist, events)
    events.problem('This browser cannot play the broadcast (it has no Media Source Extensions).')
    return { stop: () => undefined }
  }
  const hls: Hls = new HlsJs(HLS_PLAYER_CONFIG)
  let unwatch = onceShown(video, events.shown)
  let recoveries = 0
  hls.on(HlsJs.Events.ERROR, (_event, data) => {
    if (!data.fatal) return
    // A playlist that is not there yet (the broadcast is starting) or a network hiccup:
    // try again a few times before saying so.
    if (recoveries < RECOVERIES && data.type === HlsJs.ErrorTypes.NETWORK_ERROR) {
      recoveries++
      setTimeout(() => hls.startLoad(), 1000)
      return
    }
    if (recoveries < RECOVERIES && data.type === HlsJs.ErrorTypes.MEDIA_ERROR) {
      recoveries++
      // A new media source: the element starts over from no frame.
      unwatch()
      events.restarting()
      unwatch = onceShown(video, events.shown)
      hls.recoverMediaError()
      return
    }
    events.problem(CANNOT_PLAY)
  })
  hls.on(HlsJs.Events.FRAG_LOADED, () => {
    recoveries = 0
  })
  hls.loadSource(playlist)
  hls.attachMedia(video)
  return {
    stop: () => {
      unwatch()
      hls.destroy()
    },
  }
}

/** The browser's own HLS player: it reports failures only as the element's `error`. */
function playNatively(video: HTMLVideoElement, playlist: string, events: HlsEvents): HlsPlayback {
  let recoveries = 0
  let retry: ReturnType<typeof setTimeout> | undefined
  let unwatch: () => void = () => undefined
  const load = () => {
    unwatch()
    unwatch = onceShown(video, () => {
      recoveries = 0
      events.shown()
    })
    video.src = playlist
  }
  const failed = () => {
    if (recoveries >= RECOVERIES) return events.problem(CANNOT_PLAY)
    recoveries++
    // The live playlist has moved on by then: loading it again starts at its new edge.
    retry = setTimeout(() => {
      events.restarting()
      load()
      void video.play().catch(() => undefined)
    }, 1000)
  }
  video.addEventListener('error', failed)
  load()
  return {
    stop: () => {
      clearTimeout(retry)
      unwatch()
      video.removeEventListener('error', failed)
      video.removeAttribute('src')
      video.load()
    },
  }
}
