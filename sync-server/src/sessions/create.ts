import {
  type CreateSessionBody,
  DEFAULT_SETTINGS,
  documentName,
  newId,
  PublicDoc,
  type SessionSettings,
} from '@podium/shared'
import { signToken } from '@podium/shared/token'
import type { Transaction } from 'kysely'
import { participantToken, type SignedIn } from '../auth/account-access.ts'
import { ACCESS_TOKEN_TTL } from '../auth/token-ttl.ts'
import type { Database } from '../db/schema.ts'
import type { Services } from '../services.ts'
import { insertWithFreshCode } from './codes.ts'
import { issueHostLink } from './host-links.ts'

export interface CreatedSession {
  id: string
  code: string
  hostToken: string
  hostUserId: string
  /** The private host link's token, for a session created without an account. */
  hostLinkToken?: string
}

/**
 * A new session in draft: its row, its host, its public document (meta and settings), and
 * the host's token. Created signed in, the account owns it and is its host on every device;
 * created without an account, the host gets a private host link for their other devices.
 */
export async function createSession(
  services: Pick<Services, 'db' | 'docs' | 'log' | 'config'>,
  body: CreateSessionBody,
  signedIn?: SignedIn,
): Promise<CreatedSession> {
  const { db, config } = services
  const id = newId()
  const hostUserId = newId()
  const now = Date.now()
  const settings: SessionSettings = { ...DEFAULT_SETTINGS, ...body.settings }
  const hostName = body.hostName ?? signedIn?.account.name ?? null
  let hostLinkToken: string | undefined
  const code = await insertWithFreshCode(services, (code) =>
    db.kysely.transaction().execute(async (trx) => {
      await insertSessionRows(trx, {
        id,
        code,
        title: body.title,
        hostUserId,
        hostName,
        settings,
        now,
        accountId: signedIn?.account.id ?? null,
      })
      if (!signedIn) hostLinkToken = await issueHostLink(trx, id, now)
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
  const host = { sub: hostUserId, sid: id, role: 'host' as const, name: hostName }
  const hostToken = signedIn
    ? await participantToken(config.tokenSecret, host, signedIn)
    : await signToken(config.tokenSecret, { typ: 'access', ...host }, ACCESS_TOKEN_TTL)
  return { id, code, hostToken, hostUserId, ...(hostLinkToken ? { hostLinkToken } : {}) }
}

/** A new session's row (in draft) and its host's, inside the caller's transaction. */
export async function insertSessionRows(
  trx: Transaction<Database>,
  row: {
    id: string
    code: string
    title: string
    hostUserId: string
    hostName: string | null
    settings: SessionSettings
    now: number
    /** The account that owns it and hosts it; null for a guest host. */
    accountId?: string | null
  },
): Promise<void> {
  await trx
    .insertInto('sessions')
    .values({
      id: row.id,
      code: row.code,
      title: row.title,
      host_user_id: row.hostUserId,
      status: 'draft',
      settings: JSON.stringify(row.settings),
      created_at: row.now,
      updated_at: row.now,
      owner_account_id: row.accountId ?? null,
    })
    .execute()
  await trx
    .insertInto('users')
    .values({
      id: row.hostUserId,
      session_id: row.id,
      name: row.hostName,
      role: 'host',
      created_at: row.now,
      account_id: row.accountId ?? null,
    })
    .execute()
}
