import { newId } from '@podium/shared'
import { HttpProblem } from '@podium/shared/server'
import type { Transaction } from 'kysely'
import type { Db } from '../db/connect.ts'
import type { Database } from '../db/schema.ts'

export interface Account {
  id: string
  email: string
  name: string | null
}

/** What a provider says of the person signing in. */
export interface ProviderProfile {
  provider: 'oidc' | 'github'
  subject: string
  email: string | null
  /** Whether the provider has confirmed the person owns `email`. */
  emailVerified: boolean
  name: string | null
}

/** The name questions of a deleted account are shown under. */
export const FORMER_PARTICIPANT = 'Former participant'

/**
 * Accounts and the identities that sign in to them. One person, one account: an e-mail
 * link signs in to the account with that address; a provider's user to the account it
 * signed in to before, or to the account with its e-mail when the provider has verified
 * that address. An address nobody has verified makes no account.
 */
export class Accounts {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  async byId(id: string): Promise<Account | undefined> {
    return this.db.kysely
      .selectFrom('accounts')
      .select(['id', 'email', 'name'])
      .where('id', '=', id)
      .executeTakeFirst()
  }

  /** The account of an address that has just proved itself (an e-mail link): found or made. */
  async forVerifiedEmail(email: string, name: string | null = null): Promise<Account> {
    const known = await this.byEmail(email)
    if (known) return known
    const account = { id: newId(), email, name }
    await this.db.kysely
      .insertInto('accounts')
      .values({ ...account, email_verified: 1, created_at: this.now() })
      .onConflict((c) => c.column('email').doNothing())
      .execute()
    // Two sign-ins of a new address at once: whoever inserted first made the account.
    return (await this.byEmail(email)) ?? account
  }

  /** The account a provider's user signs in to: linked before, linked now, or new. */
  async forProfile(profile: ProviderProfile): Promise<Account> {
    const linked = await this.db.kysely
      .selectFrom('identities')
      .innerJoin('accounts', 'accounts.id', 'identities.account_id')
      .select(['accounts.id', 'accounts.email', 'accounts.name'])
      .where('identities.provider', '=', profile.provider)
      .where('identities.subject', '=', profile.subject)
      .executeTakeFirst()
    if (linked) return linked
    if (!profile.email || !profile.emailVerified) {
      throw HttpProblem.forbidden(
        'Your sign-in provider did not confirm an e-mail address for you. Confirm your address with the provider, or sign in with an e-mail link instead.',
      )
    }
    const account = await this.forVerifiedEmail(profile.email.toLowerCase(), profile.name)
    await this.db.kysely
      .insertInto('identities')
      .values({
        provider: profile.provider,
        subject: profile.subject,
        account_id: account.id,
        email: profile.email,
        created_at: this.now(),
      })
      .onConflict((c) => c.columns(['provider', 'subject']).doNothing())
      .execute()
    if (account.name === null && profile.name) await this.rename(account.id, profile.name)
    return { ...account, name: account.name ?? profile.name }
  }

  async rename(id: string, name: string): Promise<void> {
    await this.db.kysely.updateTable('accounts').set({ name }).where('id', '=', id).execute()
  }

  /**
   * Removes the account, its identities, devices and refresh tokens, and in the same
   * transaction what `alsoForget` removes (other domains' rows of it). Its participants stay
   * (their questions are part of the sessions) but belong to nobody; returns them, so the
   * caller can show their questions under FORMER_PARTICIPANT.
   */
  async remove(
    id: string,
    alsoForget: (trx: Transaction<Database>) => Promise<void> = async () => {},
  ): Promise<Array<{ userId: string; sessionId: string }>> {
    return this.db.kysely.transaction().execute(async (trx) => {
      await alsoForget(trx)
      const participants = await trx
        .selectFrom('users')
        .select(['id as userId', 'session_id as sessionId'])
        .where('account_id', '=', id)
        .execute()
      await trx
        .updateTable('users')
        .set({ account_id: null, name: FORMER_PARTICIPANT })
        .where('account_id', '=', id)
        .execute()
      await trx
        .updateTable('sessions')
        .set({ owner_account_id: null })
        .where('owner_account_id', '=', id)
        .execute()
      const devices = trx.selectFrom('devices').select('id').where('account_id', '=', id)
      await trx.deleteFrom('refresh_tokens').where('device_id', 'in', devices).execute()
      await trx.deleteFrom('devices').where('account_id', '=', id).execute()
      await trx.deleteFrom('identities').where('account_id', '=', id).execute()
      await trx.deleteFrom('accounts').where('id', '=', id).execute()
      return participants
    })
  }

  private byEmail(email: string): Promise<Account | undefined> {
    return this.db.kysely
      .selectFrom('accounts')
      .select(['id', 'email', 'name'])
      .where('email', '=', email)
      .executeTakeFirst()
  }
}
