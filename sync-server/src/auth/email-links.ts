import type { Db } from '../db/connect.ts'
import type { Executor } from '../notifications/queue.ts'
import { hashSecret, randomSecret } from './secrets.ts'

/** How long a sign-in link works. */
export const EMAIL_LINK_TTL_MS = 15 * 60_000

/** Why a sign-in link did not sign anyone in; each has its own message on the sign-in page. */
export type LinkRefusal = 'link-invalid' | 'link-used' | 'link-expired'

/** Single-use sign-in links: only their hashes are stored, and each works once, for 15 minutes. */
export class EmailLinks {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new link's secret; stored with `trx` when given (its mail is queued in the same one). */
  async issue(
    email: string,
    returnTo: string | undefined,
    trx: Executor = this.db.kysely,
  ): Promise<string> {
    const secret = randomSecret()
    const now = this.now()
    await trx
      .insertInto('email_links')
      .values({
        hash: hashSecret(secret),
        email,
        return_to: returnTo ?? null,
        created_at: now,
        expires_at: now + EMAIL_LINK_TTL_MS,
      })
      .execute()
    return secret
  }

  /**
   * How many links this address was sent in the last `windowMs`: read from the links
   * themselves, so every instance counts the same mails (the sweep only removes links
   * older than their 15 minutes).
   */
  async sentRecently(email: string, windowMs: number, trx: Executor = this.db.kysely) {
    const row = await trx
      .selectFrom('email_links')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('email', '=', email)
      .where('created_at', '>', this.now() - windowMs)
      .executeTakeFirst()
    return Number(row?.n ?? 0)
  }

  /** Uses a link: the address it proves and where to go next, or why it does not work. */
  async consume(
    secret: string,
  ): Promise<{ email: string; returnTo: string | null } | { refused: LinkRefusal }> {
    const now = this.now()
    const hash = hashSecret(secret)
    const row = await this.db.kysely
      .selectFrom('email_links')
      .select(['email', 'return_to', 'expires_at', 'used_at'])
      .where('hash', '=', hash)
      .executeTakeFirst()
    if (!row) return { refused: 'link-invalid' }
    if (row.used_at !== null) return { refused: 'link-used' }
    if (Number(row.expires_at) <= now) return { refused: 'link-expired' }
    const taken = await this.db.kysely
      .updateTable('email_links')
      .set({ used_at: now })
      .where('hash', '=', hash)
      .where('used_at', 'is', null)
      .executeTakeFirst()
    if (Number(taken.numUpdatedRows) !== 1) return { refused: 'link-used' }
    return { email: row.email, returnTo: row.return_to }
  }

  /** Removes links that can no longer be used. */
  async sweep(): Promise<void> {
    await this.db.kysely
      .deleteFrom('email_links')
      .where('expires_at', '<=', this.now() - EMAIL_LINK_TTL_MS)
      .execute()
  }
}
