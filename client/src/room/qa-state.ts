import { type PublicDoc, REJECT_MESSAGES } from '@podium/shared'

/** Why attendees can't ask, reply or vote right now, or null when they can. */
export function qaClosedReason(pub: PublicDoc): string | null {
  if (pub.meta().status === 'ended') return REJECT_MESSAGES['session-ended']
  if (!pub.settings().qaOpen) return REJECT_MESSAGES['qa-closed']
  return null
}
