/** The attendee room, `/s/<session>` (the staff pages under it register at load). */
const ROOM_PATH = /^\/s\/[^/]+\/?$/

let registered = false

/** Registers the service worker (the offline app shell), once. */
export function registerServiceWorker(): void {
  if (registered || !('serviceWorker' in navigator)) return
  registered = true
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
    // No offline shell this time; the app works without it.
  })
}

/**
 * The worker's install precaches the whole app (about 630 KB in 39 files). Registered at
 * load, it ran while a late joiner's room decoded its first sync and took a third of the
 * CPU from it. The room registers it once its questions are on the page (see Room.tsx);
 * other pages, and a room that never gets there, register it at load or 15 s after.
 */
export function registerServiceWorkerAfterLoad(): void {
  window.addEventListener('load', () => {
    if (ROOM_PATH.test(window.location.pathname)) setTimeout(registerServiceWorker, 15_000)
    else registerServiceWorker()
  })
}
