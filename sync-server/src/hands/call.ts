import {
  documentName,
  HandsDoc,
  newId,
  type RaisedHand,
  type Role,
  setCalledOn,
  setCallNotice,
  VideoStageDoc,
} from '@podium/shared'
import { signToken } from '@podium/shared/token'
import { appendAudit } from '../audit/log.ts'
import { EventLog } from '../events/log.ts'
import { EventType } from '../events/types.ts'
import type { Services } from '../services.ts'

/** A stage invitation made by calling on someone lasts this long. */
export const STAGE_INVITE_HOURS = 2

/** Who acts: the token's user and role (never what a client wrote). */
export interface Caller {
  sessionId: string
  userId: string
  name: string | null
  role: Role
}

export type CallResult =
  | { kind: 'called'; hand: RaisedHand; stageInvite: string | null }
  | { kind: 'not-raised' }

/**
 * "Call on": marks a raised hand as called (in the moderators' document), names the person
 * in the public document (`calledOn`, so the room and projector show it) and, when the video
 * stage is on (someone is publishing), invites them to it: a presenter invite, used once,
 * whose link only they receive, in their own outbox (`call`). The audit log and a
 * `hand.called` event record who called on whom.
 */
export async function callOn(
  services: Services,
  caller: Caller,
  userId: string,
  publicUrl: string,
): Promise<CallResult> {
  const { sessionId } = caller
  const now = services.clock()
  const called = await services.docs.change(documentName.mod(sessionId), (doc) =>
    new HandsDoc(doc).call(userId, caller.userId, now),
  )
  if (!called) return { kind: 'not-raised' }
  const stageOn = await services.docs.read(
    documentName.public(sessionId),
    (doc) => new VideoStageDoc(doc).seats().length > 0,
  )
  const stageInvite = stageOn ? await presenterInvite(services, caller, publicUrl) : null
  await services.docs.change(documentName.public(sessionId), (doc) =>
    setCalledOn(doc, { userId, name: called.name, at: now, toStage: stageInvite !== null }),
  )
  await services.docs.change(documentName.outbox(sessionId, userId), (doc) =>
    setCallNotice(doc, { at: now, stageInvite }),
  )
  await record(services, caller, userId, called.name, now, {
    type: EventType.handCalled,
    userId,
    by: caller.userId,
    toStage: stageInvite !== null,
  })
  return { kind: 'called', hand: called, stageInvite }
}

/** Staff lower someone's hand (answered, or raised by mistake). False: it was not raised. */
export async function lowerHand(services: Services, caller: Caller, userId: string) {
  const { sessionId } = caller
  let name: string | null = null
  const lowered = await services.docs.change(documentName.mod(sessionId), (doc) => {
    const hands = new HandsDoc(doc)
    name = hands.hand(userId)?.name ?? null
    return hands.lower(userId)
  })
  if (!lowered) return false
  await record(services, caller, userId, name, services.clock(), {
    type: EventType.handLowered,
    userId,
    by: caller.userId,
  })
  return true
}

async function presenterInvite(
  services: Services,
  caller: Caller,
  publicUrl: string,
): Promise<string> {
  const id = newId()
  const now = services.clock()
  const invite = await signToken(
    services.config.tokenSecret,
    { typ: 'invite', sid: caller.sessionId, role: 'presenter', jti: id },
    STAGE_INVITE_HOURS * 3600,
  )
  await services.db.kysely
    .insertInto('invites')
    .values({
      id,
      session_id: caller.sessionId,
      role: 'presenter',
      created_by: caller.userId,
      expires_at: now + STAGE_INVITE_HOURS * 3_600_000,
      revoked: 0,
      created_at: now,
    })
    .execute()
  return `${publicUrl}/i/${invite}`
}

/** The audit entry and the event, stored together; subscribers are woken after. */
async function record(
  services: Services,
  caller: Caller,
  userId: string,
  name: string | null,
  at: number,
  event:
    | { type: 'hand.called'; userId: string; by: string; toStage: boolean }
    | { type: 'hand.lowered'; userId: string; by: string | null },
): Promise<void> {
  const action = event.type === EventType.handCalled ? 'call-on' : 'lower-hand'
  await services.db.kysely.transaction().execute(async (trx) => {
    await new EventLog(services.db).append(trx, [{ ...event, sessionId: caller.sessionId, at }])
  })
  await appendAudit(services.db, caller.sessionId, [
    {
      at,
      actorId: caller.userId,
      actorName: caller.name,
      actorRole: caller.role,
      action,
      targetId: userId,
      detail: name ?? 'an attendee without a name',
    },
  ])
  services.events.committed()
}
