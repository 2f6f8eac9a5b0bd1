import { newId } from '@podium/shared'
import type { Db } from '../db/connect.ts'
import { deviceLabel } from './device-label.ts'
import { hashSecret, randomSecret } from './secrets.ts'

/** How long a refresh token lasts unused; every use gives a new one for as long again. */
export const REFRESH_TTL_MS = 30 * 24 * 3_600_000

/**
 * How long after a rotation the token it replaced may come back once more: the answer
 * carrying the new token can be lost (a phone between cells), and the browser then
 * retries with the one it has. Only while the new token was never used; see `rotate`.
 */
export const ROTATION_GRACE_MS = 30_000

/** How long a device's "not signed out" answer is trusted before it is read again. */
const STANDING_TTL_MS = 5_000

export type Rotation =
  | { kind: 'rotated'; accountId: string; deviceId: string; refreshToken: string }
  /** Not a token of ours, or one that has run out or whose device is gone. */
  | { kind: 'unknown' }
  /** A token already rotated, used again: stolen or replayed, so its device was signed out. */
  | { kind: 'replayed'; deviceId: string }

export interface DeviceRow {
  id: string
  label: string
  createdAt: number
  lastSeenAt: number
}

/**
 * Signed-in browsers and their refresh tokens. Each device holds one family of refresh
 * tokens: each is used once and replaced (rotation); one used a second time means two
 * parties hold the family, so the device is signed out and every token of it ends.
 */
export class Devices {
  private readonly standing = new Map<string, number>()

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new signed-in device for the account, and its first refresh token. */
  async open(
    accountId: string,
    userAgent: string | undefined,
  ): Promise<{ deviceId: string; refreshToken: string }> {
    const deviceId = newId()
    const now = this.now()
    const refreshToken = randomSecret()
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx
        .insertInto('devices')
        .values({
          id: deviceId,
          account_id: accountId,
          label: deviceLabel(userAgent),
          created_at: now,
          last_seen_at: now,
        })
        .execute()
      await trx
        .insertInto('refresh_tokens')
        .values({
          hash: hashSecret(refreshToken),
          device_id: deviceId,
          created_at: now,
          expires_at: now + REFRESH_TTL_MS,
        })
        .execute()
    })
    return { deviceId, refreshToken }
  }

  /** Uses a refresh token once: a new one in its place, or why not. */
  async rotate(refreshToken: string): Promise<Rotation> {
    const now = this.now()
    const hash = hashSecret(refreshToken)
    return this.db.kysely.transaction().execute(async (trx): Promise<Rotation> => {
      const row = await trx
        .selectFrom('refresh_tokens')
        .innerJoin('devices', 'devices.id', 'refresh_tokens.device_id')
        .select([
          'refresh_tokens.device_id as deviceId',
          'refresh_tokens.expires_at as expiresAt',
          'refresh_tokens.used_at as usedAt',
          'devices.account_id as accountId',
          'devices.revoked_at as revokedAt',
        ])
        .where('refresh_tokens.hash', '=', hash)
        .executeTakeFirst()
      if (!row || row.revokedAt !== null || Number(row.expiresAt) <= now) return { kind: 'unknown' }
      // Marked used only if nobody used it first: of two uses at once, one is the replay.
      const taken = await trx
        .updateTable('refresh_tokens')
        .set({ used_at: now })
        .where('hash', '=', hash)
        .where('used_at', 'is', null)
        .executeTakeFirst()
      if (row.usedAt !== null || Number(taken.numUpdatedRows) !== 1) {
        // Used before. Its answer may have been lost: within the grace, and while the
        // token that answer carried was never used (it is the family's only live one,
        // made at that use), this use rotates again and that token counts as used. Had
        // someone received it after all, their use of it is a replay then, and the
        // device is signed out as before. Any other second use is a replay now.
        const used = await trx
          .selectFrom('refresh_tokens')
          .select('used_at')
          .where('hash', '=', hash)
          .executeTakeFirst()
        const usedAt = used?.used_at === null || used === undefined ? null : Number(used.used_at)
        const live =
          usedAt === null
            ? []
            : await trx
                .selectFrom('refresh_tokens')
                .select(['hash', 'created_at'])
                .where('device_id', '=', row.deviceId)
                .where('used_at', 'is', null)
                .execute()
        const lostAnswer =
          usedAt !== null &&
          now - usedAt <= ROTATION_GRACE_MS &&
          live.length === 1 &&
          Number(live[0]!.created_at) === usedAt
        if (!lostAnswer) return { kind: 'replayed', deviceId: row.deviceId }
        // Used at 0, the epoch: outside every grace, so any use of it is a replay.
        await trx
          .updateTable('refresh_tokens')
          .set({ used_at: 0 })
          .where('hash', '=', live[0]!.hash)
          .execute()
      }
      const next = randomSecret()
      await trx
        .insertInto('refresh_tokens')
        .values({
          hash: hashSecret(next),
          device_id: row.deviceId,
          created_at: now,
          expires_at: now + REFRESH_TTL_MS,
        })
        .execute()
      await trx
        .updateTable('devices')
        .set({ last_seen_at: now })
        .where('id', '=', row.deviceId)
        .execute()
      return {
        kind: 'rotated',
        accountId: row.accountId,
        deviceId: row.deviceId,
        refreshToken: next,
      }
    })
  }

  /** The device a refresh token belongs to, without using it (sign-out). */
  async deviceOf(refreshToken: string): Promise<string | undefined> {
    const row = await this.db.kysely
      .selectFrom('refresh_tokens')
      .select('device_id')
      .where('hash', '=', hashSecret(refreshToken))
      .executeTakeFirst()
    return row?.device_id
  }

  /** Signs a device out: its refresh tokens end, and so do access tokens issued to it. */
  async revoke(deviceId: string, reason: string): Promise<void> {
    this.standing.delete(deviceId)
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx
        .updateTable('devices')
        .set({ revoked_at: this.now(), revoked_reason: reason })
        .where('id', '=', deviceId)
        .where('revoked_at', 'is', null)
        .execute()
      await trx.deleteFrom('refresh_tokens').where('device_id', '=', deviceId).execute()
    })
  }

  /** Forgets what it knew of a device (another instance signed it out). */
  forget(deviceId: string): void {
    this.standing.delete(deviceId)
  }

  /** Whether a device is still signed in; asked for every token that names one. */
  async signedIn(deviceId: string): Promise<boolean> {
    const now = this.now()
    const until = this.standing.get(deviceId)
    if (until !== undefined && until > now) return true
    const row = await this.db.kysely
      .selectFrom('devices')
      .select('revoked_at')
      .where('id', '=', deviceId)
      .executeTakeFirst()
    const ok = row !== undefined && row.revoked_at === null
    if (ok) {
      if (this.standing.size > 10_000) this.standing.clear()
      this.standing.set(deviceId, now + STANDING_TTL_MS)
    } else this.standing.delete(deviceId)
    return ok
  }

  /** The account's devices still signed in, most recently seen first. */
  async list(accountId: string): Promise<DeviceRow[]> {
    const rows = await this.db.kysely
      .selectFrom('devices')
      .select(['id', 'label', 'created_at', 'last_seen_at'])
      .where('account_id', '=', accountId)
      .where('revoked_at', 'is', null)
      .orderBy('last_seen_at', 'desc')
      .execute()
    return rows.map((row) => ({
      id: row.id,
      label: row.label,
      createdAt: Number(row.created_at),
      lastSeenAt: Number(row.last_seen_at),
    }))
  }

  /** The ids of the account's devices still signed in. */
  async idsOf(accountId: string): Promise<string[]> {
    return (await this.list(accountId)).map((device) => device.id)
  }

  /** Removes expired refresh tokens and used ones older than their lifetime. */
  async sweep(): Promise<void> {
    await this.db.kysely
      .deleteFrom('refresh_tokens')
      .where('expires_at', '<=', this.now())
      .execute()
  }
}
