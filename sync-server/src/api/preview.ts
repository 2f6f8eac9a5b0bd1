import {
  documentName,
  PublicDoc,
  previewFor,
  type RankedPreview,
  type RoomPreview,
  rankedPreview,
} from '@podium/shared'
import type { FastifyInstance } from 'fastify'
import { IngestRepository } from '../ingest/repository.ts'
import type { Services } from '../services.ts'
import { sessionFor } from './session-access.ts'

/** How long one ranking of a session's questions answers previews: a join storm ranks once a second. */
export const PREVIEW_TTL_MS = 1_000
/** Sessions whose ranking is kept at once; the oldest goes first. */
const CACHED_SESSIONS = 1_000

/**
 * GET /api/sessions/:id/preview: the top of the room's question list for anyone in the
 * session. A first visit to a large session shows it while the public document (megabytes
 * for thousands of questions) is sent and applied; the live list replaces it once synced.
 */
export async function previewRoutes(api: FastifyInstance, services: Services) {
  const cache = new Map<string, { at: number; ranked: Promise<RankedPreview> }>()
  const repo = new IngestRepository(services.db)

  /**
   * Which of the previewed questions that name nobody the caller asked: the document does
   * not say, the server's record of their entries does (one lookup, only when there are any).
   */
  const askedBy = async (
    sessionId: string,
    userId: string,
    preview: RankedPreview,
  ): Promise<Set<string>> => {
    const nameless = preview.questions.filter((q) => q.authorId === null).map((q) => q.id)
    const asked = new Set<string>()
    if (nameless.length === 0) return asked
    for (const [id, authors] of await repo.authorsOf(sessionId, nameless)) {
      if (authors.some((a) => a.userId === userId && a.status === 'accepted')) asked.add(id)
    }
    return asked
  }

  const ranked = (sessionId: string): Promise<RankedPreview> => {
    const now = Date.now()
    const hit = cache.get(sessionId)
    if (hit && now - hit.at < PREVIEW_TTL_MS) return hit.ranked
    const fresh = services.docs.read(documentName.public(sessionId), (doc) =>
      rankedPreview(new PublicDoc(doc)),
    )
    cache.delete(sessionId)
    cache.set(sessionId, { at: now, ranked: fresh })
    if (cache.size > CACHED_SESSIONS) cache.delete(cache.keys().next().value!)
    // A failed read is not kept: the next request tries again.
    fresh.catch(() => cache.delete(sessionId))
    return fresh
  }

  api.get('/sessions/:id/preview', async (request, reply): Promise<RoomPreview> => {
    const { session, claims } = await sessionFor(request, services, [
      'host',
      'moderator',
      'presenter',
      'attendee',
    ])
    const top = await ranked(session.id)
    const asked = await askedBy(session.id, claims.sub, top)
    const preview = previewFor(top, { userId: claims.sub, asked })
    // It is the caller's (their own questions are marked) and a second old at most.
    reply.header('cache-control', 'private, no-store')
    return preview
  })
}
