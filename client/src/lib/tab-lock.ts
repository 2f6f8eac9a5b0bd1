/**
 * Runs `fn` while holding the named Web Lock, so that of all this site's tabs only one
 * runs it at a time (refreshing the sign-in, renewing a session token). Where the
 * browser has no Web Locks, it runs at once: one tab cannot race itself.
 */
export async function withTabLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks
  if (!locks) return fn()
  return locks.request(name, fn) as Promise<T>
}
