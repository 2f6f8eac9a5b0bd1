import { type Attributes, SpanStatusCode, type Tracer } from '@opentelemetry/api'
import type { ClientErrorReport } from '@podium/shared'
import type { Scope } from '@sentry/node'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import { scrub } from './scrub.ts'

/**
 * Optional telemetry for operators who run a tracing backend or Sentry: traces of the API
 * and the ingest's ticks over OTLP/HTTP (`OTEL_EXPORTER_OTLP_ENDPOINT`), and server errors
 * and the browsers' error reports in Sentry (`SENTRY_DSN`). Neither is set by default;
 * then nothing here runs and nothing leaves the machine. What goes out carries no
 * personal data: routes, not URLs; session ids, not names; client errors scrubbed as
 * the log has them.
 */
export interface Telemetry {
  /** The tracer, when traces are sent. */
  readonly tracer: Tracer | undefined
  /** Spans for every API request, named by method and route. */
  instrument(app: FastifyInstance): void
  /** A server error (a 500, a failed tick) to Sentry. */
  captureError(error: unknown, context?: Record<string, string>): void
  /** A browser's report from POST /api/client-errors, scrubbed, to Sentry. */
  captureClientError(report: ClientErrorReport): void
  /** Sends what is buffered, then stops. */
  close(): Promise<void>
}

export interface TelemetryOptions {
  otlpEndpoint: string | undefined
  sentryDsn: string | undefined
  serviceName: string
  release: string
  log: Logger
}

/** How often buffered spans go out. */
const EXPORT_EVERY_MS = 2_000

/**
 * The exporters are loaded only when configured: together they add about a second of
 * start-up to a process that does not use them.
 */
export async function createTelemetry(options: TelemetryOptions): Promise<Telemetry> {
  const otel = options.otlpEndpoint
    ? await Promise.all([
        import('@opentelemetry/exporter-trace-otlp-http'),
        import('@opentelemetry/resources'),
        import('@opentelemetry/sdk-trace-base'),
        import('@opentelemetry/sdk-trace-node'),
      ])
    : undefined
  const provider =
    otel && options.otlpEndpoint
      ? new otel[3].NodeTracerProvider({
          resource: otel[1].resourceFromAttributes({
            'service.name': options.serviceName,
            'service.version': options.release,
          }),
          spanProcessors: [
            new otel[2].BatchSpanProcessor(
              new otel[0].OTLPTraceExporter({
                url: `${options.otlpEndpoint.replace(/\/+$/, '')}/v1/traces`,
              }),
              { scheduledDelayMillis: EXPORT_EVERY_MS },
            ),
          ],
        })
      : undefined
  // Our own provider, not the global one: nothing else in the process is patched.
  const tracer = provider?.getTracer('podium')

  let scope: Scope | undefined
  let client: { close(timeout: number): PromiseLike<boolean> } | undefined
  if (options.sentryDsn) {
    const { defaultStackParser, makeNodeTransport, NodeClient, Scope } = await import(
      '@sentry/node'
    )
    const sentry = new NodeClient({
      dsn: options.sentryDsn,
      release: options.release,
      environment: process.env.NODE_ENV ?? 'production',
      transport: makeNodeTransport,
      stackParser: defaultStackParser,
      // No integrations: requests carry tokens and addresses, so only what we put on an
      // event goes out.
      integrations: [],
    })
    scope = new Scope()
    scope.setClient(sentry)
    sentry.init()
    client = sentry
  }

  const spans = new WeakMap<FastifyRequest, ReturnType<Tracer['startSpan']>>()

  return {
    tracer,
    instrument(app) {
      if (!tracer) return
      app.addHook('onRequest', async (request) => {
        const route = request.routeOptions.url ?? 'unmatched'
        spans.set(
          request,
          tracer.startSpan(`${request.method} ${route}`, {
            attributes: { 'http.request.method': request.method, 'http.route': route },
          }),
        )
      })
      app.addHook('onResponse', async (request, reply) => {
        const span = spans.get(request)
        if (!span) return
        span.setAttribute('http.response.status_code', reply.statusCode)
        if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR })
        span.end()
      })
    },
    captureError(error, context) {
      if (!scope) return
      scope.captureException(error, context ? { captureContext: { tags: context } } : undefined)
    },
    captureClientError(report) {
      if (!scope) return
      const event: Parameters<Scope['captureEvent']>[0] = {
        level: 'error',
        platform: 'javascript',
        message: scrub(report.message),
        tags: { source: 'browser', kind: report.kind },
        ...(report.release ? { release: scrub(report.release) } : {}),
        extra: {
          ...(report.stack ? { stack: scrub(report.stack) } : {}),
          ...(report.path ? { path: scrub(report.path) } : {}),
        },
      }
      scope.captureEvent(event)
    },
    async close() {
      await provider?.shutdown().catch((error: unknown) => {
        options.log.warn({ err: error }, 'sending the last traces failed')
      })
      await client?.close(2_000)
    },
  }
}

/** Runs `fn` inside a span when traces are on; just runs it otherwise. */
export async function traced<T>(
  tracer: Tracer | undefined,
  name: string,
  attributes: Attributes,
  fn: () => Promise<T>,
): Promise<T> {
  if (!tracer) return fn()
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn()
    } catch (error) {
      span.recordException(error as Error)
      span.setStatus({ code: SpanStatusCode.ERROR })
      throw error
    } finally {
      span.end()
    }
  })
}
