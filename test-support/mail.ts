// A real SMTP server on a free port that keeps what it receives, parsed with mailparser:
// what tests of sign-in mails (and, later, notifications) read.
import type { AddressInfo } from 'node:net'
import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export interface Inbox {
  /** smtp://127.0.0.1:<port> for SMTP_URL */
  url: string
  messages: ParsedMail[]
  /** The next message to `to` (waits for it, up to `timeoutMs`). */
  next(to: string, timeoutMs?: number): Promise<ParsedMail>
  close(): Promise<void>
}

export interface InboxOptions {
  /**
   * An SMTP reply code to refuse a message with instead of taking it (421 or 451: try
   * later; 550: no such mailbox), given the recipient and how many messages came before.
   */
  refuse?: (to: string, attempt: number) => number | null
}

export async function startInbox(options: InboxOptions = {}): Promise<Inbox> {
  const messages: ParsedMail[] = []
  const taken = new Set<ParsedMail>()
  let attempts = 0
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const code = options.refuse?.(address.address, attempts++) ?? null
      if (code === null) return callback()
      const error = Object.assign(
        new Error(code >= 500 ? 'No such mailbox here' : 'Try again later'),
        { responseCode: code },
      )
      callback(error)
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push(mail)
          callback()
        })
        .catch(callback)
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.server.address() as AddressInfo
  const addressedTo = (mail: ParsedMail, to: string) => {
    const list = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []
    return list.some((a) => a.value.some((v) => v.address?.toLowerCase() === to.toLowerCase()))
  }
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async next(to, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs
      while (Date.now() < until) {
        const mail = messages.find((m) => !taken.has(m) && addressedTo(m, to))
        if (mail) {
          taken.add(mail)
          return mail
        }
        await new Promise((r) => setTimeout(r, 20))
      }
      throw new Error(`no mail to ${to} within ${timeoutMs} ms`)
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** The sign-in link of a mail: the one line of its text that is an absolute URL. */
export function linkIn(mail: ParsedMail): string {
  const line = (mail.text ?? '').split('\n').find((l) => /^https?:\/\/\S+$/.test(l.trim()))
  if (!line) throw new Error(`no link in the mail: ${mail.text}`)
  return line.trim()
}
