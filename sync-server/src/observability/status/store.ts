import { randomUUID } from 'node:crypto'
import type { Db } from '../../db/connect.ts'
import { type Component, type ComponentCheck, State } from './components.ts'

/** Checks older than this are deleted: the page shows at most 30 days. */
export const KEEP_CHECKS_MS = 30 * 86_400_000
export const UPTIME_WINDOWS = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 }
export type UptimeWindow = keyof typeof UPTIME_WINDOWS

export const Impact = { none: 'none', minor: 'minor', major: 'major' } as const
export type Impact = (typeof Impact)[keyof typeof Impact]

export interface Incident {
  id: string
  title: string
  body: string
  impact: Impact
  createdAt: number
  updatedAt: number
  resolvedAt: number | null
}

/** The status page's tables: each instance's checks, and the operator's incident notes. */
export class StatusStore {
  constructor(private readonly db: Db) {}

  async record(instance: string, at: number, checks: ComponentCheck[]): Promise<void> {
    await this.db.kysely
      .insertInto('status_checks')
      .values(checks.map((c) => ({ at, instance, component: c.component, state: c.state })))
      .execute()
  }

  async prune(now: number): Promise<void> {
    await this.db.kysely
      .deleteFrom('status_checks')
      .where('at', '<', now - KEEP_CHECKS_MS)
      .execute()
  }

  /**
   * The share of checks that found each component ok, per window (null: no check of it in
   * use then). Checks of a component this deployment does not use count for nothing.
   */
  async uptime(now: number): Promise<Record<string, Record<UptimeWindow, number | null>>> {
    const result: Record<string, Record<UptimeWindow, number | null>> = {}
    for (const [window, span] of Object.entries(UPTIME_WINDOWS) as Array<[UptimeWindow, number]>) {
      const rows = await this.db.kysely
        .selectFrom('status_checks')
        .select((eb) => [
          'component',
          eb.fn.countAll<number>().as('total'),
          eb.fn.sum<number>(eb.case().when('state', '=', State.ok).then(1).else(0).end()).as('ok'),
        ])
        .where('at', '>=', now - span)
        .where('state', '!=', State.notConfigured)
        .groupBy('component')
        .execute()
      for (const row of rows) {
        result[row.component] ??= { '24h': null, '7d': null, '30d': null }
        const total = Number(row.total)
        ;(result[row.component] as Record<UptimeWindow, number | null>)[window] =
          total === 0 ? null : Number(row.ok) / total
      }
    }
    return result
  }

  /** The last state each component was seen in, by any instance. */
  async lastChecked(): Promise<number | null> {
    const row = await this.db.kysely
      .selectFrom('status_checks')
      .select((eb) => eb.fn.max<number>('at').as('at'))
      .executeTakeFirst()
    return row?.at == null ? null : Number(row.at)
  }

  async postIncident(
    input: { title: string; body: string; impact: Impact },
    now: number,
  ): Promise<Incident> {
    const incident: Incident = {
      id: randomUUID(),
      ...input,
      createdAt: now,
      updatedAt: now,
      resolvedAt: null,
    }
    await this.db.kysely
      .insertInto('status_incidents')
      .values({
        id: incident.id,
        title: incident.title,
        body: incident.body,
        impact: incident.impact,
        created_at: now,
        updated_at: now,
      })
      .execute()
    return incident
  }

  /** Changes a note; null when there is no such incident. */
  async updateIncident(
    id: string,
    change: { title?: string; body?: string; impact?: Impact; resolved?: boolean },
    now: number,
  ): Promise<Incident | null> {
    const result = await this.db.kysely
      .updateTable('status_incidents')
      .set({
        updated_at: now,
        ...(change.title !== undefined ? { title: change.title } : {}),
        ...(change.body !== undefined ? { body: change.body } : {}),
        ...(change.impact !== undefined ? { impact: change.impact } : {}),
        ...(change.resolved !== undefined ? { resolved_at: change.resolved ? now : null } : {}),
      })
      .where('id', '=', id)
      .executeTakeFirst()
    if (Number(result.numUpdatedRows) === 0) return null
    return (await this.incidents(now, id))[0] ?? null
  }

  /** Open incidents and those resolved in the last 7 days, newest first (or the one `id`). */
  async incidents(now: number, id?: string): Promise<Incident[]> {
    let query = this.db.kysely.selectFrom('status_incidents').selectAll()
    query = id
      ? query.where('id', '=', id)
      : query.where((eb) =>
          eb.or([
            eb('resolved_at', 'is', null),
            eb('resolved_at', '>=', now - UPTIME_WINDOWS['7d']),
          ]),
        )
    const rows = await query.orderBy('created_at', 'desc').limit(50).execute()
    return rows.map((r) => ({
      id: r.id,
      title: r.title,
      body: r.body,
      impact: r.impact as Impact,
      createdAt: Number(r.created_at),
      updatedAt: Number(r.updated_at),
      resolvedAt: r.resolved_at == null ? null : Number(r.resolved_at),
    }))
  }
}

export type { Component }
