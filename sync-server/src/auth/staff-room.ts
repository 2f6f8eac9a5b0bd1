import { documentName, ModDoc } from '@podium/shared'
import { staffRoom } from '@podium/signal-server'
import type { Services } from '../services.ts'

/**
 * The staff list of a session changed (an invite accepted, a role withdrawn): its y-webrtc
 * room and password changed with it. The moderators' document carries the new room's name
 * (never the password), so open consoles fetch the new room from the API and leave the
 * old one, and with it any peer link to someone no longer staff.
 */
export async function announceStaffRoom(services: Services, sessionId: string): Promise<void> {
  const staff = await services.standing.staff(sessionId)
  const { room } = staffRoom(services.config.tokenSecret, sessionId, staff)
  await services.docs.change(documentName.mod(sessionId), (doc) =>
    new ModDoc(doc).setPeerRoom(room),
  )
}
