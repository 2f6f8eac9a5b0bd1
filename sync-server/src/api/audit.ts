import { documentName, ModDoc } from '@podium/shared'
import type { AccessClaims } from '@podium/shared/token'
import type { Services } from '../services.ts'

/**
 * Records a change made through the API in the moderators' audit log, as staff changes
 * made in the documents are; the actor is the token's user.
 */
export async function auditApi(
  services: Services,
  claims: Pick<AccessClaims, 'sid' | 'sub' | 'name'>,
  action: string,
  targetId: string | null = null,
): Promise<void> {
  await services.docs.change(documentName.mod(claims.sid), (doc) =>
    new ModDoc(doc).appendAudit({
      at: Date.now(),
      actorId: claims.sub,
      actorName: claims.name,
      action,
      targetId,
    }),
  )
}
