import {
  KIND_RULES,
  NOTIFICATION_KINDS,
  type NotificationChannel,
  type NotificationKind,
  type PreferencesPatch,
} from '@podium/shared'
import type { Executor } from './queue.ts'

export type KindChannels = Partial<Record<NotificationChannel, boolean>>

/**
 * What each account wants, per kind and channel. A row exists only where the person
 * said something; otherwise the kind's default (KIND_RULES) holds. Transactional kinds
 * are always on.
 */
export class Preferences {
  constructor(private readonly clock: () => number) {}

  /** The account's choices for every kind, defaults filled in. */
  async of(db: Executor, accountId: string): Promise<Record<NotificationKind, KindChannels>> {
    const rows = await db
      .selectFrom('notification_preferences')
      .select(['kind', 'channel', 'enabled'])
      .where('account_id', '=', accountId)
      .execute()
    const result = {} as Record<NotificationKind, KindChannels>
    for (const kind of NOTIFICATION_KINDS) result[kind] = { ...KIND_RULES[kind].channels }
    for (const row of rows) {
      const kind = row.kind as NotificationKind
      const rule = KIND_RULES[kind]
      if (!rule || rule.transactional) continue
      const channel = row.channel as NotificationChannel
      if (channel in rule.channels) result[kind][channel] = row.enabled === 1
    }
    return result
  }

  /** Whether the account wants `kind` by `channel`. */
  async wants(
    db: Executor,
    accountId: string,
    kind: NotificationKind,
    channel: NotificationChannel,
  ): Promise<boolean> {
    return (await this.of(db, accountId))[kind][channel] === true
  }

  /** Stores a patch; what it cannot change (a transactional kind, a channel a kind lacks) is refused. */
  async change(db: Executor, accountId: string, patch: PreferencesPatch): Promise<void> {
    const now = this.clock()
    for (const [kind, channels] of Object.entries(patch.kinds) as Array<
      [NotificationKind, KindChannels]
    >) {
      for (const [channel, enabled] of Object.entries(channels) as Array<
        [NotificationChannel, boolean]
      >) {
        await db
          .insertInto('notification_preferences')
          .values({
            account_id: accountId,
            kind,
            channel,
            enabled: enabled ? 1 : 0,
            updated_at: now,
          })
          .onConflict((oc) =>
            oc
              .columns(['account_id', 'kind', 'channel'])
              .doUpdateSet({ enabled: enabled ? 1 : 0, updated_at: now }),
          )
          .execute()
      }
    }
  }
}

/** Why a patch cannot be stored, in words a person can act on; null when it can. */
export function patchProblem(
  patch: PreferencesPatch,
  offered: readonly NotificationChannel[],
): string | null {
  for (const [kind, channels] of Object.entries(patch.kinds) as Array<
    [NotificationKind, KindChannels]
  >) {
    const rule = KIND_RULES[kind]
    for (const channel of Object.keys(channels) as NotificationChannel[]) {
      if (rule.transactional)
        return `${kind} messages are sent only when you ask for them, and cannot be turned off.`
      if (!(channel in rule.channels))
        return `${kind} messages are not sent by ${channel}; they go by ${Object.keys(rule.channels).join(' or ')}.`
      if (!offered.includes(channel)) return `This server does not offer ${channel} notifications.`
    }
  }
  return null
}
