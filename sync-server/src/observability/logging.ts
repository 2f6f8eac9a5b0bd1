import { REDACT_PATHS, REDACTED, serializeRequest } from '@podium/shared/log'
import type { Logger } from 'pino'

/**
 * The logger every part of the sync-server writes through: request URLs without their
 * tokens (Fastify logs each request's URL), credential headers replaced wherever a line
 * carries headers.
 */
export function redactingLogger(log: Logger): Logger {
  return log.child(
    {},
    {
      serializers: { req: serializeRequest },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
    },
  )
}
