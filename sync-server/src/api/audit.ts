import type { AccessClaims } from '@podium/shared/token'
import { appendAudit } from '../audit/log.ts'
import type { Services } from '../services.ts'

/** Records a change made through the API in the audit log; the actor is the token's user. */
export async function auditApi(
  services: Services,
  claims: Pick<AccessClaims, 'sid' | 'sub' | 'name' | 'role'>,
  action: string,
  targetId: string | null = null,
  /** Names what the target was, where the documents do not (a person, an invite). */
  detail?: string,
): Promise<void> {
  await appendAudit(services.db, claims.sid, [
    {
      at: Date.now(),
      actorId: claims.sub,
      actorName: claims.name,
      actorRole: claims.role,
      action,
      targetId,
      ...(detail ? { detail } : {}),
    },
  ])
}
