import { z } from 'zod'

/**
 * What a mail relay says came back after a message was accepted: a complaint (someone
 * pressed "spam", reported through a feedback loop) or a bounce (a delivery status
 * notification). A complaint, and a permanent bounce, put the address on the suppression
 * list for every kind that is not transactional; a temporary bounce changes nothing.
 */
export interface Feedback {
  type: 'complaint' | 'bounce'
  email: string
  /** A bounce's: 5.x.x (the address does not work) rather than 4.x.x (try later). */
  permanent: boolean
}

const EMAIL = z.email({ error: 'email must be an e-mail address' }).max(320)

/** POST /api/mail/feedback as JSON: what a relay's webhook, or a small adapter, sends. */
export const FeedbackBody = z.strictObject(
  {
    reports: z
      .array(
        z.strictObject(
          {
            type: z.enum(['complaint', 'bounce'], { error: 'type must be complaint or bounce' }),
            email: EMAIL,
            permanent: z.boolean({ error: 'permanent must be true or false' }).optional(),
          },
          { error: 'a report takes only type, email and permanent' },
        ),
      )
      .min(1, 'reports must hold at least one report')
      .max(100, 'reports may hold at most 100 reports'),
  },
  { error: 'the body takes only reports' },
)

/** The value of a header field in a block of header lines (folded lines unfolded). */
function field(block: string, name: string): string[] {
  const unfolded = block.replace(/\r?\n[ \t]+/g, ' ')
  const found: string[] = []
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name)
      found.push(line.slice(colon + 1).trim())
  }
  return found
}

/** `rfc822; a@b.c` or `<a@b.c>` or `a@b.c`: the address, when it is one. */
function addressOf(value: string | undefined): string | null {
  if (!value) return null
  const bare = value
    .replace(/^rfc822\s*;/i, '')
    .trim()
    .replace(/^<|>$/g, '')
  return EMAIL.safeParse(bare).success ? bare.toLowerCase() : null
}

/** The MIME parts of a multipart body, as raw text (headers and body), one level deep. */
function parts(raw: string): string[] {
  const type = field(raw.split(/\r?\n\r?\n/)[0] ?? '', 'content-type')[0] ?? ''
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1]
  if (!boundary) return []
  return raw
    .split(`--${boundary}`)
    .slice(1)
    .filter((p) => !p.startsWith('--'))
}

const headOf = (part: string) => part.replace(/^\r?\n/, '').split(/\r?\n\r?\n/)[0] ?? ''
const bodyOf = (part: string) =>
  part
    .replace(/^\r?\n/, '')
    .split(/\r?\n\r?\n/)
    .slice(1)
    .join('\n\n')

/**
 * The feedback a raw message holds: an abuse report in the Abuse Reporting Format (RFC
 * 5965: `multipart/report; report-type=feedback-report`), or a delivery status
 * notification (RFC 3464: `report-type=delivery-status`), as a relay's feedback loop
 * mails them. Throws, in words, when it is neither or names no recipient.
 */
export function parseFeedbackMail(raw: string): Feedback[] {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? ''
  const type = field(head, 'content-type')[0] ?? ''
  const report = /report-type="?([\w-]+)"?/i.exec(type)?.[1]?.toLowerCase()
  if (
    !/^multipart\/report/i.test(type) ||
    (report !== 'feedback-report' && report !== 'delivery-status')
  )
    throw new Error(
      'the message is neither an abuse report (multipart/report; report-type=feedback-report) nor a delivery status notification (report-type=delivery-status)',
    )
  const all = parts(raw)
  const part = (mime: string) =>
    all.find((p) => new RegExp(`^${mime}`, 'i').test(field(headOf(p), 'content-type')[0] ?? ''))
  if (report === 'feedback-report') {
    const fields = bodyOf(part('message/feedback-report') ?? '')
    const original = part('message/rfc822') ?? part('text/rfc822-headers')
    const email =
      addressOf(field(fields, 'original-rcpt-to')[0]) ??
      addressOf(field(bodyOf(original ?? ''), 'to')[0]?.match(/<([^>]+)>/)?.[1]) ??
      addressOf(field(bodyOf(original ?? ''), 'to')[0])
    if (!email)
      throw new Error(
        'the abuse report names no recipient (Original-Rcpt-To, or To of the original message)',
      )
    return [{ type: 'complaint', email, permanent: true }]
  }
  // A DSN: per-message fields, then a block per recipient, separated by blank lines.
  const status = bodyOf(part('message/delivery-status') ?? '')
  const found: Feedback[] = []
  for (const block of status.split(/\r?\n\r?\n/)) {
    const email = addressOf(
      field(block, 'final-recipient')[0] ?? field(block, 'original-recipient')[0],
    )
    const action = (field(block, 'action')[0] ?? '').toLowerCase()
    if (!email || action !== 'failed') continue
    found.push({ type: 'bounce', email, permanent: /^5\./.test(field(block, 'status')[0] ?? '') })
  }
  if (found.length === 0)
    throw new Error('the delivery status notification names no failed recipient')
  return found
}
