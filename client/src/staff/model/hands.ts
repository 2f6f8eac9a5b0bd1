import { ApiError, api } from '../../lib/api.ts'
import type { StaffRoom } from './room.ts'

/**
 * What staff do with raised hands, through the API (the server writes the queue): call on
 * someone (inviting them to the stage when it is on), or lower their hand. Resolves to a
 * sentence for the console's live region.
 */
export async function callOn(
  room: StaffRoom,
  userId: string,
  name: string | null,
): Promise<string> {
  const who = name ?? 'an attendee'
  try {
    const result = (await api.post(
      `/sessions/${room.sessionId}/hands/${userId}/call`,
      {},
      room.token,
    )) as { invitedToStage?: boolean }
    return result.invitedToStage
      ? `Called on ${who}, and invited them to the stage.`
      : `Called on ${who}.`
  } catch (error) {
    return error instanceof ApiError ? error.message : `Could not call on ${who}.`
  }
}

export async function lowerHand(room: StaffRoom, userId: string, name: string | null) {
  const who = name ?? 'an attendee'
  try {
    await api.post(`/sessions/${room.sessionId}/hands/${userId}/lower`, {}, room.token)
    return `Lowered the hand of ${who}.`
  } catch (error) {
    return error instanceof ApiError ? error.message : `Could not lower the hand of ${who}.`
  }
}
