import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import nodemailer from 'nodemailer'
import type { Logger } from 'pino'

export interface Mail {
  to: string
  subject: string
  text: string
  html?: string
  /** Extra headers (List-Unsubscribe); values are one line each. */
  headers?: Record<string, string>
  attachments?: Array<{ filename: string; content: string; contentType: string }>
  /** `<id@host>`: the same message sent again carries the same id, so mail clients show it once. */
  messageId?: string
}

export interface Mailer {
  /** Sends the mail; where it went (an SMTP message id, or the .eml file written). */
  send(mail: Mail): Promise<string>
  close(): void
}

/**
 * E-mail out: over SMTP_URL with nodemailer, or, with no SMTP server configured, as .eml
 * files under DATA_DIR/mail, so `npm start` alone can still send someone a sign-in link
 * (the log says where the file is).
 */
export function createMailer(options: {
  smtpUrl: string | undefined
  from: string
  dataDir: string
  log: Logger
}): Mailer {
  const { smtpUrl, from, dataDir, log } = options
  if (smtpUrl) {
    // Connections are kept and reused: a new one per mail held the queue to about 30 a
    // second. Query parameters of SMTP_URL (?pool=false, ?maxConnections=2) win.
    const transport = nodemailer.createTransport({
      url: smtpUrl,
      pool: true,
      maxConnections: 8,
      maxMessages: 100,
      // A server that stops answering fails the attempt in a minute, well inside the
      // queue's five-minute claim (nodemailer waits up to ten by default).
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 60_000,
    })
    return {
      async send(mail) {
        const info = await transport.sendMail({ from, ...mail })
        return info.messageId
      },
      close: () => transport.close(),
    }
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true })
  const folder = join(dataDir, 'mail')
  return {
    async send(mail) {
      const info = await transport.sendMail({ from, ...mail })
      await mkdir(folder, { recursive: true })
      const file = join(folder, `${Date.now()}-${randomBytes(4).toString('hex')}.eml`)
      await writeFile(file, info.message as Buffer, { mode: 0o600 })
      log.info({ file }, 'no SMTP_URL: wrote the mail to a file')
      return file
    },
    close: () => transport.close(),
  }
}
