import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import {
  BROADCAST_FILE,
  BROADCAST_KEY,
  BROADCAST_PATH,
  BroadcastStart,
  type BroadcastStatus,
} from '@podium/shared'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { type Claims, requireBearer, type StandingCheck } from '../../auth/tokens.ts'
import { Problem } from '../../http/problem.ts'
import { type Broadcaster, BroadcastRefused } from './broadcaster.ts'

/** Playlists change every second: caches (a CDN in front) keep them a second at most. */
const PLAYLIST_CACHE = 'public, max-age=1'
/** A segment's name is never reused within a broadcast, and every broadcast has its own key. */
const SEGMENT_CACHE = 'public, max-age=86400, immutable'

const refusal = (error: BroadcastRefused) => {
  switch (error.status) {
    case 403:
      return Problem.forbidden(error.message)
    case 404:
      return Problem.notFound(error.message)
    case 409:
      return Problem.conflict(error.message)
    case 503:
      return new Problem(503, 'Service unavailable', error.message)
    default: {
      const unknown: never = error.status
      throw new Error(`unknown status ${String(unknown)}`)
    }
  }
}

/**
 * The broadcast's HTTP side, under /broadcast (Caddy sends it to the signal-server):
 * participants read its status, the host starts and stops it, and anyone holding a
 * broadcast's key fetches its playlist and segments. The key is 128 random bits handed
 * out only to the session's participants (with a valid token), so the files need no
 * token and a CDN can cache them.
 */
export function broadcastRoutes(options: {
  secret: string
  standing: StandingCheck
  broadcaster: Broadcaster
}) {
  const { broadcaster } = options
  const participant = async (request: FastifyRequest): Promise<Claims> => {
    const claims = await requireBearer(request, options.secret, options.standing)
    const { sessionId } = request.params as { sessionId: string }
    if (claims.sid !== sessionId)
      throw Problem.forbidden(
        "Your token is for another session; that session's broadcast is out of reach.",
      )
    return claims
  }
  const host = async (request: FastifyRequest): Promise<Claims> => {
    const claims = await participant(request)
    if (claims.role !== 'host')
      throw Problem.forbidden('Only the host starts and stops the broadcast.')
    return claims
  }
  const guarded = async (run: () => Promise<BroadcastStatus>) => {
    try {
      return await run()
    } catch (error) {
      if (error instanceof BroadcastRefused) throw refusal(error)
      throw error
    }
  }

  return async (app: FastifyInstance) => {
    const session = `${BROADCAST_PATH}/sessions/:sessionId`
    app.get(session, async (request, reply) => {
      const claims = await participant(request)
      return reply.header('cache-control', 'no-store').send(broadcaster.status(claims.sid))
    })
    app.post(session, async (request, reply) => {
      const claims = await host(request)
      const body = BroadcastStart.safeParse(request.body ?? {})
      if (!body.success) throw Problem.fromZod(body.error)
      const status = await guarded(() => broadcaster.startByHost(claims.sid, body.data.userId))
      return reply.header('cache-control', 'no-store').send(status)
    })
    app.delete(session, async (request, reply) => {
      const claims = await host(request)
      const status = await guarded(() => broadcaster.stopByHost(claims.sid))
      return reply.header('cache-control', 'no-store').send(status)
    })
    app.get(`${BROADCAST_PATH}/hls/:key/:file`, async (request, reply) => {
      const { key, file } = request.params as { key: string; file: string }
      if (!BROADCAST_KEY.test(key) || !BROADCAST_FILE.test(file))
        throw Problem.notFound('There is no such broadcast file.')
      const folder = broadcaster.folder(key)
      if (!folder) throw Problem.notFound('This broadcast has ended or never existed.')
      const path = join(folder, file)
      const found = await stat(path).catch(() => null)
      if (!found?.isFile())
        throw Problem.notFound('That segment is not (or no longer) in the broadcast.')
      const playlist = file.endsWith('.m3u8')
      return reply
        .header('cache-control', playlist ? PLAYLIST_CACHE : SEGMENT_CACHE)
        .header('content-type', playlist ? 'application/vnd.apple.mpegurl' : 'video/mp2t')
        .header('content-length', found.size)
        .send(createReadStream(path))
    })
  }
}
