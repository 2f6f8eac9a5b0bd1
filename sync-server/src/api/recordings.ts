import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { RecordingInfo, RecordingsResponse } from '@podium/shared'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { HttpProblem, sendProblem } from '../http/problem.ts'
import { parse } from '../http/validate.ts'
import type { Recordings } from '../recordings/domain.ts'
import { recordingFolder } from '../recordings/files.ts'
import { linkValid } from '../recordings/links.ts'
import type { Services } from '../services.ts'
import { noBody, pathIds, sessionFor } from './session-access.ts'

const LinkQuery = z.object({
  expires: z.coerce.number().int('must be a whole number of milliseconds'),
  signature: z.string().min(1).max(100),
})

/**
 * The host's recordings API: start and stop recording the stage, list the session's
 * recordings, stream one (Range requests, so a <video> element can seek), delete one.
 * Listing hands out signed links; the file route takes those instead of a Bearer token.
 */
export function recordingRoutes(services: Services, recordings: Recordings) {
  return async (api: FastifyInstance) => {
    const base = (request: FastifyRequest) => services.publicUrl(request)

    api.post('/sessions/:id/recording', async (request, reply): Promise<RecordingInfo> => {
      const { session } = await sessionFor(request, services, ['host'])
      noBody(request)
      const row = await recordings.start(session.id)
      reply.code(201)
      return recordings.info(row, base(request))
    })

    api.delete('/sessions/:id/recording', async (request): Promise<RecordingInfo> => {
      const { session } = await sessionFor(request, services, ['host'])
      const row = await recordings.stop(session.id)
      return recordings.info(row, base(request))
    })

    api.get('/sessions/:id/recordings', async (request, reply): Promise<RecordingsResponse> => {
      const { session } = await sessionFor(request, services, ['host'])
      reply.header('cache-control', 'no-store')
      const rows = await recordings.store.list(session.id)
      return {
        recordings: rows.map((row) => recordings.info(row, base(request))),
        retentionDays: services.config.recordings.retentionDays,
      }
    })

    api.delete('/sessions/:id/recordings/:recordingId', async (request, reply) => {
      const { session } = await sessionFor(request, services, ['host'])
      const { recordingId } = pathIds(request, 'recordingId')
      await recordings.remove(session.id, recordingId)
      return reply.code(204).send()
    })

    api.get('/sessions/:id/recordings/:recordingId/file', async (request, reply) => {
      const { id, recordingId } = pathIds(request, 'id', 'recordingId')
      const { expires, signature } = parse(LinkQuery, request.query, 'query')
      if (
        !linkValid(services.config.tokenSecret, recordingId, expires, signature, services.clock())
      )
        throw HttpProblem.forbidden(
          'This recording link is not valid or has expired; open the recordings list again for a new one.',
        )
      const row = await recordings.store.get(id, recordingId)
      if (!row?.file || row.status !== 'ready')
        throw HttpProblem.notFound(`There is no recording ${recordingId} ready in this session.`)
      const path = join(recordingFolder(services.config.recordings.dir, id, recordingId), row.file)
      const size = await stat(path).then(
        (s) => s.size,
        () => {
          throw HttpProblem.notFound('The recording file is gone from the server.')
        },
      )
      const day = new Date(Number(row.started_at)).toISOString().slice(0, 10)
      reply
        .header('content-type', 'video/webm')
        .header('accept-ranges', 'bytes')
        .header('cache-control', 'private, no-store')
        .header('content-disposition', `attachment; filename="podium-${id}-${day}.webm"`)
      return sendRange(request, reply, path, size)
    })
  }
}

/** The whole file, or the one byte range asked for (206), or 416 for a range past its end. */
function sendRange(request: FastifyRequest, reply: FastifyReply, path: string, size: number) {
  const header = request.headers.range
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null
  if (!header || !match || (match[1] === '' && match[2] === '')) {
    return reply.header('content-length', size).send(createReadStream(path))
  }
  let start: number
  let end: number
  if (match[1] === '') {
    // A suffix: the last N bytes.
    start = Math.max(0, size - Number(match[2]))
    end = size - 1
  } else {
    start = Number(match[1])
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1)
  }
  if (start >= size || start > end) {
    reply.removeHeader('content-disposition')
    return sendProblem(
      reply.header('content-range', `bytes */${size}`),
      new HttpProblem(
        416,
        'Range not satisfiable',
        `The recording has ${size} bytes; ask for a range within them.`,
      ),
      request.url,
    )
  }
  return reply
    .code(206)
    .header('content-range', `bytes ${start}-${end}/${size}`)
    .header('content-length', end - start + 1)
    .send(createReadStream(path, { start, end }))
}
