import {
  type CreateSessionBody,
  DEFAULT_SETTINGS,
  documentName,
  newId,
  PublicDoc,
  type SessionSettings,
} from '@podium/shared'
import { signToken } from '@podium/shared/token'
import { ACCESS_TOKEN_TTL } from '../auth/token-ttl.ts'
import type { Services } from '../services.ts'
import { insertWithFreshCode } from './codes.ts'

export interface CreatedSession {
  id: string
  code: string
  hostToken: string
  hostUserId: string
}

/**
 * A new session in draft: its row, its host, its public document (meta and settings), and
 * the host's token.
 */
export async function createSession(
  services: Pick<Services, 'db' | 'docs' | 'log' | 'config'>,
  body: CreateSessionBody,
): Promise<CreatedSession> {
  const { db, config } = services
  const id = newId()
  const hostUserId = newId()
  const now = Date.now()
  const settings: SessionSettings = { ...DEFAULT_SETTINGS, ...body.settings }
  const code = await insertWithFreshCode(services, (code) =>
    db.kysely.transaction().execute(async (trx) => {
      await trx
        .insertInto('sessions')
        .values({
          id,
          code,
          title: body.title,
          host_user_id: hostUserId,
          status: 'draft',
          settings: JSON.stringify(settings),
          created_at: now,
          updated_at: now,
        })
        .execute()
      await trx
        .insertInto('users')
        .values({
          id: hostUserId,
          session_id: id,
          name: body.hostName ?? null,
          role: 'host',
          created_at: now,
        })
        .execute()
    }),
  )
  await services.docs.change(documentName.public(id), (doc) => {
    const pub = new PublicDoc(doc)
    pub.setMeta({
      title: body.title,
      description: body.description ?? '',
      status: 'draft',
      code,
      createdAt: now,
    })
    pub.setSettings(settings)
  })
  const hostToken = await signToken(
    config.tokenSecret,
    { typ: 'access', sub: hostUserId, sid: id, role: 'host', name: body.hostName ?? null },
    ACCESS_TOKEN_TTL,
  )
  return { id, code, hostToken, hostUserId }
}
