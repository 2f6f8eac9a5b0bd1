import { documentName, newId, PublicDoc } from '@podium/shared'
import type { AccessClaims } from '@podium/shared/token'
import type { SignedIn } from '../auth/account-access.ts'
import type { Services } from '../services.ts'
import { type CreatedSession, createSession } from './create.ts'

/**
 * A new draft session made from another: its title, description, settings and agenda
 * (new item ids), nothing that happened in it. Whoever asks (the host) hosts the copy;
 * signed in, their account owns it.
 */
export async function duplicateSession(
  services: Pick<Services, 'db' | 'docs' | 'log' | 'config' | 'auth'>,
  sessionId: string,
  caller: AccessClaims,
): Promise<CreatedSession> {
  const source = await services.docs.read(documentName.public(sessionId), (doc) => {
    const pub = new PublicDoc(doc)
    return pub.ready ? { meta: pub.meta(), settings: pub.settings(), agenda: pub.agenda() } : null
  })
  const row = await services.db.kysely
    .selectFrom('sessions')
    .select(['title', 'settings'])
    .where('id', '=', sessionId)
    .executeTakeFirstOrThrow()
  const signedIn = await signedInAs(services, caller)
  const created = await createSession(
    services,
    {
      title: source?.meta.title ?? row.title,
      description: source?.meta.description ?? '',
      settings: source?.settings ?? JSON.parse(row.settings),
      ...(caller.name ? { hostName: caller.name } : {}),
    },
    signedIn,
  )
  const agenda = (source?.agenda ?? []).map((item) => ({ ...item, id: newId() }))
  if (agenda.length > 0)
    await services.docs.change(documentName.public(created.id), (doc) =>
      new PublicDoc(doc).setAgenda(agenda),
    )
  return created
}

/** The account a session token was issued to, while its device is still signed in. */
async function signedInAs(
  services: Pick<Services, 'auth'>,
  claims: AccessClaims,
): Promise<SignedIn | undefined> {
  if (!claims.acc || !claims.dev) return undefined
  const account = await services.auth.accounts.byId(claims.acc)
  if (!account || !(await services.auth.devices.signedIn(claims.dev))) return undefined
  return { account, deviceId: claims.dev }
}
