import { isRole, standingOf } from '@podium/shared'
import pg from 'pg'
import type { StandingCheck } from '../auth/tokens.ts'
import type { StaffList } from '../ywebrtc/room.ts'

export interface DatabaseTarget {
  /** The sync-server's Postgres (DATABASE_URL). */
  url: string
  /** The schema its tables are in (DATABASE_SCHEMA), when not the default. */
  schema?: string
}

export interface StandingDatabase {
  standing: StandingCheck
  staff: StaffList
  close(): Promise<void>
}

/**
 * Standing read from the sync-server's database, for a signal-server running as its own
 * service: the same rule as the sync-server's (standingOf), so a staff token whose role
 * the host withdrew is refused here too. Read-only; the sync-server owns the tables.
 */
export function standingDatabase(target: DatabaseTarget): StandingDatabase {
  const pool = new pg.Pool({
    connectionString: target.url,
    max: 4,
    ...(target.schema ? { options: `-c search_path=${target.schema}` } : {}),
  })
  // An idle client losing its connection must not end the process; the next query reconnects.
  pool.on('error', () => undefined)
  pool.on('connect', (client) => client.on('error', () => undefined))
  return {
    async standing(claims) {
      const { rows } = await pool.query<{ role: string | null }>(
        'select u.role from sessions s left join users u on u.id = $2 and u.session_id = s.id where s.id = $1',
        [claims.sid, claims.sub],
      )
      const [row] = rows
      return standingOf(claims.role, row !== undefined, row?.role ?? undefined)
    },
    async staff(sessionId) {
      const { rows } = await pool.query<{ id: string; role: string }>(
        "select id, role from users where session_id = $1 and role <> 'attendee'",
        [sessionId],
      )
      return rows.flatMap((row) => (isRole(row.role) ? [{ userId: row.id, role: row.role }] : []))
    },
    close: () => pool.end(),
  }
}
