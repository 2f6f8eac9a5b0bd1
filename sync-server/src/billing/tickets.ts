import { newId } from '@podium/shared'
import type { Notifier } from '../notifications/notify.ts'
import type { Executor } from '../notifications/queue.ts'
import { HOLDING } from './offers.ts'

/** What committing a change to tickets asks for afterwards: sockets closed, mail sent. */
export interface Effects {
  /** Users (participants) whose sockets close: their ticket was revoked. */
  withdraw: string[]
  /** Notification rows to send now. */
  notify: string[]
}

export const noEffects = (): Effects => ({ withdraw: [], notify: [] })

/** Whether the account (or its address, for a comp) holds a ticket for the session. */
export async function holdsTicket(
  trx: Executor,
  sessionId: string,
  account: { id: string; email: string },
): Promise<boolean> {
  const row = await trx
    .selectFrom('tickets')
    .select('id')
    .where('session_id', '=', sessionId)
    .where((eb) => eb.or([eb('account_id', '=', account.id), eb('email', '=', account.email)]))
    .where('status', '=', 'active')
    .executeTakeFirst()
  return row !== undefined
}

/** Queues the receipt of a ticket, in the transaction that made it active. */
export async function queueReceipt(
  trx: Executor,
  notifier: Notifier,
  ticket: { id: string; session_id: string; email: string },
): Promise<string | null> {
  return notifier.toAddress(trx, ticket.email, {
    kind: 'ticket',
    sessionId: ticket.session_id,
    subject: `ticket/${ticket.id}`,
    data: { ticketId: ticket.id },
  })
}

/**
 * Revokes a ticket; the holder's participants in the session are returned so their
 * sockets close once the transaction has committed (as a revoked invite's do).
 */
export async function revokeTicket(
  trx: Executor,
  ticket: { id: string; session_id: string; account_id: string | null; email: string },
  reason: string,
  now: number,
): Promise<string[]> {
  await trx
    .updateTable('tickets')
    .set({ status: 'revoked', revoked_reason: reason, updated_at: now })
    .where('id', '=', ticket.id)
    .execute()
  const account =
    ticket.account_id ??
    (
      await trx
        .selectFrom('accounts')
        .select('id')
        .where('email', '=', ticket.email)
        .executeTakeFirst()
    )?.id
  if (!account) return []
  const users = await trx
    .selectFrom('users')
    .select('id')
    .where('session_id', '=', ticket.session_id)
    .where('account_id', '=', account)
    .where('role', '=', 'attendee')
    .execute()
  return users.map((u) => u.id)
}

/** A free ticket from the host, to an address; its holder signs in with that address. */
export async function compTicket(
  trx: Executor,
  notifier: Notifier,
  sessionId: string,
  email: string,
  now: number,
): Promise<{ id: string; created: boolean; notify: string | null }> {
  const address = email.toLowerCase()
  const account = await trx
    .selectFrom('accounts')
    .select('id')
    .where('email', '=', address)
    .executeTakeFirst()
  const existing = await trx
    .selectFrom('tickets')
    .select(['id', 'status'])
    .where('session_id', '=', sessionId)
    .where('email', '=', address)
    .executeTakeFirst()
  if (existing && (HOLDING as readonly string[]).includes(existing.status))
    return { id: existing.id, created: false, notify: null }
  if (existing) await trx.deleteFrom('tickets').where('id', '=', existing.id).execute()
  const ticket = {
    id: newId(),
    session_id: sessionId,
    account_id: account?.id ?? null,
    email: address,
    kind: 'comp',
    status: 'active',
    amount: 0,
    currency: null,
    amount_refunded: 0,
    created_at: now,
    updated_at: now,
  }
  await trx.insertInto('tickets').values(ticket).execute()
  const notify = await queueReceipt(trx, notifier, ticket)
  return { id: ticket.id, created: true, notify }
}
