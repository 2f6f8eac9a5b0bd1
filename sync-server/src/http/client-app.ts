import { existsSync } from 'node:fs'
import { join } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import { notFoundHandler } from './problem.ts'

/**
 * Serves the built client. Every non-API path that is not a file gets index.html,
 * so `/j/<code>` and the app's other routes load the single-page app.
 */
export async function clientApp(app: FastifyInstance, dist: string) {
  const index = join(dist, 'index.html')
  const built = existsSync(index)
  if (built) {
    await app.register(fastifyStatic, { root: dist, wildcard: false, index: false, maxAge: '1h' })
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/'
    const isApi = path.startsWith('/api/') || path === '/api'
    if (isApi || request.method !== 'GET') return notFoundHandler(request, reply)
    if (!built) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send(
          'The Podium client has not been built. Run `npm run build` (npm start does this for you).',
        )
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html', dist)
  })
}
