// Web push for the service worker that vite-plugin-pwa generates (imported by it, see
// vite.config.ts): shows what the server sent, and opens its page when clicked. The
// payload is JSON {title, body, url, kind, id} (docs/notifications.md, "Web push").

/** The payload, or a plain message when it is not the JSON the server sends. */
function payloadOf(event) {
  if (!event.data) return {}
  try {
    const data = event.data.json()
    return data && typeof data === 'object' ? data : {}
  } catch {
    return { body: event.data.text() }
  }
}

self.addEventListener('push', (event) => {
  const data = payloadOf(event)
  const title = typeof data.title === 'string' && data.title ? data.title : 'Podium'
  event.waitUntil(
    self.registration.showNotification(title, {
      body: typeof data.body === 'string' ? data.body : '',
      icon: '/icon.svg',
      // One notification per message: a message delivered twice replaces itself.
      tag: typeof data.id === 'string' ? data.id : undefined,
      data: { url: typeof data.url === 'string' ? data.url : '/', kind: data.kind },
    }),
  )
})

/** The notification's page on this site, or the start page for anything else. */
function targetOf(notification) {
  try {
    const url = new URL(notification.data?.url ?? '/', self.location.origin)
    return url.protocol === 'https:' || url.protocol === 'http:'
      ? url
      : new URL('/', self.location.origin)
  } catch {
    return new URL('/', self.location.origin)
  }
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close()
  const target = targetOf(event.notification)
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true })
      // A tab on that page already: bring it forward.
      const same = windows.find((w) => w.url === target.href)
      if (same) return same.focus()
      // A tab of this site: take it there.
      const ours =
        target.origin === self.location.origin ? windows.find((w) => 'navigate' in w) : null
      if (ours) {
        const moved = await ours.navigate(target.href).catch(() => null)
        if (moved) return moved.focus()
      }
      return self.clients.openWindow(target.href)
    })(),
  )
})
