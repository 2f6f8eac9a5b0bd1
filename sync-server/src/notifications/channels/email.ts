import { KIND_RULES, type NotificationKind } from '@podium/shared'
import type { Db } from '../../db/connect.ts'
import type { Composed } from '../compose.ts'
import { DeliveryError } from '../delivery-error.ts'
import type { Mailer } from '../mailer.ts'
import type { NotificationRow } from '../queue.ts'
import { ALL_KINDS, type Suppressions } from '../suppressions.ts'

/** What nodemailer's errors carry of the SMTP conversation. */
interface SmtpError {
  responseCode?: number
  command?: string
  code?: string
}

/**
 * Mail out through the mailer (SMTP_URL, or .eml files). Mail that is not strictly
 * transactional carries RFC 8058 one-click unsubscribe headers and is never sent to a
 * suppressed address; a recipient the SMTP server refuses for good is suppressed.
 */
export class EmailChannel {
  constructor(
    private readonly mailer: Mailer,
    private readonly db: Db,
    private readonly suppressions: Suppressions,
    private readonly messageHost: () => string,
  ) {}

  async send(row: NotificationRow, message: Composed): Promise<void> {
    const to = row.email
    if (!to) throw new DeliveryError('no address to send this mail to', true)
    const kind = row.kind as NotificationKind
    const transactional = KIND_RULES[kind].transactional
    if (!transactional) {
      const suppressed = await this.suppressions.reason(this.db.kysely, to, kind)
      if (suppressed)
        throw new DeliveryError(`the address is on the suppression list (${suppressed})`, true)
    }
    const headers: Record<string, string> = {}
    if (message.footer) {
      headers['List-Unsubscribe'] = `<${message.footer.unsubscribeUrl}>`
      headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click'
    }
    try {
      await this.mailer.send({
        to,
        subject: message.rendered.subject,
        text: message.rendered.text,
        html: message.rendered.html,
        headers,
        attachments: message.attachments,
        messageId: `<${row.id}@${this.messageHost()}>`,
      })
    } catch (error) {
      const smtp = error as SmtpError
      const code = smtp.responseCode ?? 0
      const reason = error instanceof Error ? error.message : String(error)
      if (code >= 500 && code < 600) {
        // A recipient refused for good is a permanent bounce: no more mail to it.
        if (smtp.command === 'RCPT TO' && !transactional)
          await this.suppressions.add(this.db.kysely, to, ALL_KINDS, 'bounced')
        throw new DeliveryError(`the mail server refused the mail for good: ${reason}`, true)
      }
      throw new DeliveryError(`the mail was not sent: ${reason}`, false)
    }
  }
}
