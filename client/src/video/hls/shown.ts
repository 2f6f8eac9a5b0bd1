/** `readyState` once the current frame is there (HTMLMediaElement.HAVE_CURRENT_DATA). */
const HAVE_CURRENT_DATA = 2

/**
 * Calls `shown` once a video plays for real: frames decoded and the position moving on
 * from where it started. A player can report a size, metadata and even `playing` for a
 * stream it then fails to decode (Chromium's own HLS player did), so none of those count.
 * Returns a function that stops watching.
 */
export function onceShown(video: HTMLVideoElement, shown: () => void): () => void {
  let from: number | null = null
  const check = () => {
    if (video.paused || video.seeking || video.readyState < HAVE_CURRENT_DATA) return
    if (from === null) {
      from = video.currentTime
      return
    }
    // Where the browser does not count frames, the moving position is enough.
    const frames = video.getVideoPlaybackQuality?.().totalVideoFrames ?? 1
    if (video.currentTime > from && frames > 0) {
      stop()
      shown()
    }
  }
  const stop = () => video.removeEventListener('timeupdate', check)
  video.addEventListener('timeupdate', check)
  return stop
}
