import { existsSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import { notFoundHandler } from './problem.ts'

/** Vite names every file under assets/ after a hash of its content: it never changes. */
export const IMMUTABLE = 'public, max-age=31536000, immutable'
/** Everything else (index.html, the service worker, the manifest) is checked every time. */
export const REVALIDATE = 'no-cache'

/**
 * Serves the built client: the brotli or gzip copy the build made beside each file when
 * the browser accepts it (`Vary: Accept-Encoding`), hashed assets cached for a year.
 * Every non-API path that is not a file gets index.html, so `/j/<code>` and the app's
 * other routes load the single-page app.
 */
export async function clientApp(app: FastifyInstance, dist: string) {
  const index = join(dist, 'index.html')
  const built = existsSync(index)
  if (built) {
    await app.register(fastifyStatic, {
      root: dist,
      wildcard: false,
      index: false,
      preCompressed: true,
      cacheControl: false,
      setHeaders(reply, path) {
        const hashed = relative(dist, path).startsWith(`assets${sep}`)
        reply.header('cache-control', hashed ? IMMUTABLE : REVALIDATE)
      },
    })
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
    return reply.sendFile('index.html', dist)
  })
}
