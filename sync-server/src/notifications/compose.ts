import {
  alertText,
  documentName,
  formatMoney,
  KIND_RULES,
  type NotificationKind,
  PublicDoc,
  recoveredText,
} from '@podium/shared'
import type { AlertChange } from '../analytics/alerts/rules.ts'
import type { Db } from '../db/connect.ts'
import type { ServerDocs } from '../sync/server-docs.ts'
import { DeliveryError } from './delivery-error.ts'
import { calendarEvent } from './ics.ts'
import type { Clock, NotificationRow } from './queue.ts'
import { readableTime, startsIn } from './schedule.ts'
import { summaryNumbers } from './summary.ts'
import type { Footer, Rendered, Templates } from './templates/index.ts'
import type { Values } from './templates/language.ts'
import type { UnsubscribeTokens } from './unsubscribe.ts'

/** A message ready for its channel. */
export interface Composed {
  rendered: Rendered
  /** The unsubscribe footer and headers, on mail that is not strictly transactional. */
  footer?: Footer
  attachments?: Array<{ filename: string; content: string; contentType: string }>
  /** Where a push notification leads when it is clicked. */
  url?: string
  /** The row's data as kept once sent: without secrets such as a sign-in link. */
  keep: Record<string, unknown>
}

export interface ComposeContext {
  db: Db
  docs: Pick<ServerDocs, 'read'>
  templates: Templates
  tokens: UnsubscribeTokens
  clock: Clock
  /** The base URL links in messages point to. */
  baseUrl: () => string
}

/** What each kind is about, as queued (see notify.ts for who queues them). */
export interface KindData {
  'sign-in': { link: string }
  'phone-code': { code: string }
  invite: {
    link: string
    role: string
    sessionTitle: string
    inviterName: string
    expiresAt: number
  }
  answered: { sessionId: string; questionId: string }
  reminder: { sessionId: string; startsAt: number; lead: '24h' | '15m' }
  summary: { sessionId: string }
  ticket: { ticketId: string }
  billing: { plan: string; graceUntil: number }
  alert: { sessionId: string; change: AlertChange }
}

/**
 * Turns a queued row into the message its channel sends. What can change between queueing
 * and sending (a session's title, a question's text) is read now, outside the transaction
 * that queued it; what was true only then (a link) travels in the row.
 */
export class Composer {
  constructor(private readonly ctx: ComposeContext) {}

  async compose(row: NotificationRow): Promise<Composed> {
    const kind = row.kind as NotificationKind
    if (!KIND_RULES[kind]) throw new DeliveryError(`unknown kind ${row.kind}`, true)
    const data = JSON.parse(row.data) as Record<string, unknown>
    const made = await this.values(kind, data)
    const footer =
      row.channel === 'email' && !KIND_RULES[kind].transactional && row.email
        ? this.footer(row.email, kind, row.account_id)
        : undefined
    return {
      rendered: this.ctx.templates.render(kind, made.values, footer),
      ...(footer ? { footer } : {}),
      ...(made.attachments ? { attachments: made.attachments } : {}),
      ...(made.url ? { url: made.url } : {}),
      keep: made.keep ?? data,
    }
  }

  private footer(email: string, kind: NotificationKind, accountId: string | null): Footer {
    const base = this.ctx.baseUrl()
    const token = this.ctx.tokens.sign(email, kind, accountId)
    return {
      unsubscribeUrl: `${base}/api/unsubscribe?token=${token}`,
      preferencesUrl: `${base}/me`,
    }
  }

  private async values(
    kind: NotificationKind,
    data: Record<string, unknown>,
  ): Promise<{
    values: Values
    attachments?: Composed['attachments']
    url?: string
    keep?: Record<string, unknown>
  }> {
    switch (kind) {
      case 'sign-in': {
        const { link } = data as unknown as KindData['sign-in']
        return { values: { link }, url: link, keep: {} }
      }
      case 'phone-code': {
        const { code } = data as unknown as KindData['phone-code']
        return { values: { code }, keep: {} }
      }
      case 'invite': {
        const d = data as unknown as KindData['invite']
        const { link: _secret, ...keep } = d
        return {
          values: {
            link: d.link,
            role: d.role === 'presenter' ? 'present' : 'moderate',
            sessionTitle: d.sessionTitle,
            inviterName: d.inviterName,
            expires: `${readableTime(d.expiresAt, 'UTC')} UTC`,
          },
          url: d.link,
          keep,
        }
      }
      case 'answered': {
        const d = data as unknown as KindData['answered']
        const session = await this.session(d.sessionId)
        const question = await this.ctx.docs.read(
          documentName.public(d.sessionId),
          (doc) => new PublicDoc(doc).question(d.questionId)?.text,
        )
        if (question === undefined)
          throw new DeliveryError('the question is no longer in the session', true)
        const sessionUrl = `${this.ctx.baseUrl()}/j/${session.code}`
        return {
          values: { sessionTitle: session.title, question, sessionUrl },
          url: sessionUrl,
        }
      }
      case 'reminder': {
        const d = data as unknown as KindData['reminder']
        const session = await this.session(d.sessionId)
        if (Number(session.starts_at) !== d.startsAt || !session.time_zone)
          throw new DeliveryError(
            'the session was rescheduled since this reminder was queued; the new time has its own',
            true,
          )
        if (session.status === 'ended')
          throw new DeliveryError('the session has ended already', true)
        const joinUrl = `${this.ctx.baseUrl()}/j/${session.code}`
        const now = this.ctx.clock()
        return {
          values: {
            sessionTitle: session.title,
            startsLocal: readableTime(d.startsAt, session.time_zone),
            timeZone: session.time_zone,
            startsIn: startsIn(now, d.startsAt),
            joinUrl,
          },
          url: joinUrl,
          attachments: [
            {
              filename: 'session.ics',
              contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
              content: calendarEvent({
                uid: `${d.sessionId}@podium`,
                title: session.title,
                startsAt: d.startsAt,
                url: joinUrl,
                now,
              }),
            },
          ],
        }
      }
      case 'summary': {
        const d = data as unknown as KindData['summary']
        const session = await this.session(d.sessionId)
        const sessionUrl = `${this.ctx.baseUrl()}/j/${session.code}`
        const numbers = await summaryNumbers(this.ctx.db, d.sessionId)
        return {
          values: { sessionTitle: session.title, sessionUrl, ...numbers },
          url: sessionUrl,
          keep: { ...data, ...numbers },
        }
      }
      case 'ticket': {
        const d = data as unknown as KindData['ticket']
        const ticket = await this.ctx.db.kysely
          .selectFrom('tickets')
          .select(['session_id', 'kind', 'amount', 'currency', 'status'])
          .where('id', '=', d.ticketId)
          .executeTakeFirst()
        if (!ticket) throw new DeliveryError('the ticket no longer exists', true)
        if (ticket.status === 'revoked')
          throw new DeliveryError('the ticket was revoked before its receipt left', true)
        const session = await this.session(ticket.session_id)
        const joinUrl = `${this.ctx.baseUrl()}/j/${session.code}`
        const price =
          ticket.kind === 'comp' || !ticket.currency
            ? 'free'
            : formatMoney(Number(ticket.amount), ticket.currency, 'en')
        return {
          values: {
            sessionTitle: session.title,
            price,
            kind: ticket.kind === 'comp' ? 'a free ticket from the host' : 'paid',
            joinUrl,
            ticketId: d.ticketId,
          },
          url: joinUrl,
        }
      }
      case 'billing': {
        const d = data as unknown as KindData['billing']
        const billingUrl = `${this.ctx.baseUrl()}/account`
        return {
          values: {
            plan: d.plan,
            graceUntil: `${readableTime(d.graceUntil, 'UTC')} UTC`,
            billingUrl,
          },
          url: billingUrl,
        }
      }
      case 'alert': {
        const d = data as unknown as KindData['alert']
        const session = await this.session(d.sessionId)
        const sessionUrl = `${this.ctx.baseUrl()}/s/${encodeURIComponent(d.sessionId)}/analytics`
        const what = d.change.state === 'fired' ? alertText(d.change) : recoveredText(d.change)
        return { values: { sessionTitle: session.title, what, sessionUrl }, url: sessionUrl }
      }
      default: {
        const never: never = kind
        throw new DeliveryError(`unknown kind ${String(never)}`, true)
      }
    }
  }

  private async session(id: string) {
    const row = await this.ctx.db.kysely
      .selectFrom('sessions')
      .select(['title', 'code', 'status', 'starts_at', 'time_zone'])
      .where('id', '=', id)
      .executeTakeFirst()
    if (!row) throw new DeliveryError('the session no longer exists', true)
    return row
  }
}
