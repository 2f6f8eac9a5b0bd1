import { RoomPreview } from '@podium/shared'
import { type Accessor, createSignal } from 'solid-js'
import { type Api, api as defaultApi } from '../lib/api.ts'
import type { Identity } from '../lib/identity.ts'

/**
 * Asks the server for the top of the room's question list, to show while the session's
 * document is on its way (for thousands of questions, megabytes to send and apply). The
 * accessor stays null until it comes, and if it does not (offline, refused): the room then
 * shows what it shows without it.
 */
export function fetchPreview(
  identity: Identity,
  api: Api = defaultApi,
): Accessor<RoomPreview | null> {
  const [preview, setPreview] = createSignal<RoomPreview | null>(null)
  if (typeof navigator !== 'undefined' && navigator.onLine === false) return preview
  api
    .get(`/sessions/${identity.sessionId}/preview`, identity.token, RoomPreview)
    .then(setPreview, () => {
      // Only a head start: the document brings the same and more.
    })
  return preview
}
