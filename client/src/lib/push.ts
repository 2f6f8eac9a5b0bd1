import { registerServiceWorker } from '../app/service-worker.ts'

/**
 * What the account page needs from the browser to receive web push: whether it can, the
 * notification permission, and the service worker's PushManager. An interface, so a test
 * can hand a browser of its own (jsdom has neither service workers nor push).
 */
export interface BrowserPush {
  /** False where the browser has no service worker, PushManager or Notification. */
  supported(): boolean
  permission(): NotificationPermission
  /** Asks the person; call only from their click. */
  requestPermission(): Promise<NotificationPermission>
  /** The PushManager of this page's service worker (registered if it was not yet). */
  pushManager(): Promise<PushManager>
}

/** How long to wait for the service worker before saying it is not running. */
const READY_TIMEOUT_MS = 15_000

export const browserPush: BrowserPush = {
  supported: () =>
    typeof navigator !== 'undefined' &&
    'serviceWorker' in navigator &&
    typeof window !== 'undefined' &&
    'PushManager' in window &&
    'Notification' in window,
  permission: () => Notification.permission,
  requestPermission: () => Notification.requestPermission(),
  async pushManager() {
    registerServiceWorker()
    let timer: ReturnType<typeof setTimeout> | undefined
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              'The offline worker of this page is not running, so it cannot receive notifications. Reload the page and try again.',
            ),
          ),
        READY_TIMEOUT_MS,
      )
    })
    try {
      const registration = await Promise.race([navigator.serviceWorker.ready, late])
      return registration.pushManager
    } finally {
      clearTimeout(timer)
    }
  },
}

/** The VAPID public key (base64url, as the server gives it) as the bytes PushManager takes. */
export function applicationServerKey(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/')
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4)
  const binary = atob(padded)
  const bytes = new Uint8Array(new ArrayBuffer(binary.length))
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/** Which of the account's subscriptions is this browser's (kept here, not secret). */
const THIS_BROWSER_KEY = 'podium:push-subscription'

export const thisBrowser = {
  get: (): string | null => localStorage.getItem(THIS_BROWSER_KEY),
  set: (id: string) => localStorage.setItem(THIS_BROWSER_KEY, id),
  clear: () => localStorage.removeItem(THIS_BROWSER_KEY),
}
