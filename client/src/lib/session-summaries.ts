import type { SessionStatus } from '@podium/shared'

/**
 * What this device last learned of a session it holds an identity for (its title, code and
 * state, and when), so the start page can list it by name and say its state offline.
 */
export interface SessionSummary {
  title: string
  code: string
  status: SessionStatus
  /** When the server last said so, milliseconds since the epoch. */
  checkedAt: number
}

const KEY_PREFIX = 'podium:summary:'
const STATUSES: readonly string[] = ['draft', 'live', 'ended']

function isSummary(value: unknown): value is SessionSummary {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return (
    typeof v.title === 'string' &&
    typeof v.code === 'string' &&
    typeof v.status === 'string' &&
    STATUSES.includes(v.status) &&
    typeof v.checkedAt === 'number'
  )
}

export function rememberSummary(sessionId: string, summary: SessionSummary): void {
  try {
    localStorage.setItem(`${KEY_PREFIX}${sessionId}`, JSON.stringify(summary))
  } catch {
    // Storage full or refused: the list then says less offline, nothing breaks.
  }
}

export function loadSummary(sessionId: string): SessionSummary | null {
  const raw = localStorage.getItem(`${KEY_PREFIX}${sessionId}`)
  if (!raw) return null
  try {
    const parsed: unknown = JSON.parse(raw)
    return isSummary(parsed) ? parsed : null
  } catch {
    return null
  }
}

export function forgetSummary(sessionId: string): void {
  localStorage.removeItem(`${KEY_PREFIX}${sessionId}`)
}
