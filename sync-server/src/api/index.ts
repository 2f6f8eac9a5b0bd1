import type { FastifyInstance } from 'fastify'
import type { Services } from '../services.ts'
import { sessionRoutes } from './sessions.ts'

/** Every route under /api. Each module registers one concern's routes. */
export async function registerApi(api: FastifyInstance, services: Services) {
  await sessionRoutes(api, services)
}
