import type { Composed } from '../compose.ts'
import { DeliveryError } from '../delivery-error.ts'
import type { NotificationRow } from '../queue.ts'
import { retryAfterMs } from './push.ts'

export interface SmsConfig {
  url: string
  accountSid: string
  authToken: string
  from: string
}

/**
 * SMS through a Twilio-compatible API: POST {SMS_URL}/2010-04-01/Accounts/{sid}/Messages.json,
 * form-encoded To, From and Body, with the account's sid and token as Basic auth. 429 and
 * 5xx are tried again; any other refusal (an invalid number) is final.
 */
export class SmsChannel {
  constructor(private readonly config: SmsConfig) {}

  async send(row: NotificationRow, message: Composed): Promise<void> {
    if (!row.phone) throw new DeliveryError('no phone number to send this message to', true)
    const { url, accountSid, authToken, from } = this.config
    const endpoint = `${url}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`
    let response: Response
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          // The provider may use it to drop a repeated request (Twilio does).
          'i-twilio-idempotency-token': row.id,
        },
        body: new URLSearchParams({
          To: row.phone,
          From: from,
          Body: message.rendered.short.slice(0, 1600),
        }),
        signal: AbortSignal.timeout(30_000),
      })
    } catch (error) {
      throw new DeliveryError(
        `the SMS provider could not be reached: ${error instanceof Error ? error.message : String(error)}`,
        false,
      )
    }
    const body = await response.text()
    if (response.ok) return
    let detail = body.slice(0, 200)
    try {
      const parsed = JSON.parse(body) as { code?: number; message?: string }
      if (parsed.message) detail = `${parsed.message}${parsed.code ? ` (code ${parsed.code})` : ''}`
    } catch {
      // not JSON: the text as it came
    }
    if (response.status === 429 || response.status >= 500)
      throw new DeliveryError(
        `the SMS provider answered ${response.status}: ${detail}`,
        false,
        retryAfterMs(response.headers.get('retry-after') ?? undefined),
      )
    throw new DeliveryError(
      `the SMS provider refused the message (${response.status}): ${detail}`,
      true,
    )
  }
}
