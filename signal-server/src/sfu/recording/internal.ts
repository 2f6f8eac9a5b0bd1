import { createHmac, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { Problem, sendProblem } from '../../http/problem.ts'
import { JanusError } from '../janus.ts'
import { RecorderRefusal, RecorderRefusalCode, type StageRecorder } from './recorder.ts'

/** The path prefix of the recorder's internal routes (never routed from outside by the proxy). */
export const RECORDER_PATH = '/internal/recorder'

/**
 * The key the sync-servers send to a standalone signal-server's recorder: derived from the
 * shared TOKEN_SECRET, so there is no second secret to configure.
 */
export function recorderKey(secret: string): string {
  return createHmac('sha256', secret).update('podium sfu recorder').digest('base64url')
}

const StartBody = z.object({ folder: z.string().min(1).max(1000) })
const SessionParam = z.object({ sessionId: z.string().regex(/^[\w-]{6,64}$/) })

function authorize(request: FastifyRequest, secret: string) {
  const given = Buffer.from(/^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '')
  const expected = Buffer.from(recorderKey(secret))
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw Problem.unauthorized('The recorder takes requests from the sync-servers only.')
}

/**
 * Recording for sync-servers that do not hold the session's Janus room (docker compose:
 * the standalone signal-server serves /sfu, so the rooms and their secrets are here).
 * `POST /internal/recorder/:sessionId/start {folder}` and `…/stop`, with the key above;
 * a refusal is a problem whose `code` is the RecorderRefusalCode.
 */
export function recorderRoutes(options: { secret: string; recorder: StageRecorder }) {
  return async (app: FastifyInstance) => {
    app.setErrorHandler((error, request, reply) =>
      error instanceof Problem ? sendProblem(request, reply, error) : reply.send(error),
    )
    const parse = <T>(schema: z.ZodType<T>, input: unknown, what: string): T => {
      const result = schema.safeParse(input)
      if (!result.success) throw Problem.fromZod(result.error, what)
      return result.data
    }
    const run = async (request: FastifyRequest, action: () => Promise<void>) => {
      authorize(request, options.secret)
      try {
        await action()
      } catch (error) {
        if (error instanceof RecorderRefusal) {
          // The sync-server reads the code back from the status: 409 no stage, 503 no Janus.
          throw error.code === RecorderRefusalCode.noStage
            ? Problem.conflict(error.message)
            : new Problem(503, 'Service unavailable', error.message)
        }
        if (error instanceof JanusError)
          throw new Problem(502, 'Bad gateway', `The media server refused: ${error.message}.`)
        throw error
      }
    }
    app.post(`${RECORDER_PATH}/:sessionId/start`, async (request, reply) => {
      const { sessionId } = parse(SessionParam, request.params, 'path')
      const { folder } = parse(StartBody, request.body, 'request body')
      await run(request, () => options.recorder.start(sessionId, folder))
      return reply.code(204).send()
    })
    app.post(`${RECORDER_PATH}/:sessionId/stop`, async (request, reply) => {
      const { sessionId } = parse(SessionParam, request.params, 'path')
      await run(request, () => options.recorder.stop(sessionId))
      return reply.code(204).send()
    })
  }
}
