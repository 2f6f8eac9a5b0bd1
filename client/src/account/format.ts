import type { Role } from '@podium/shared'

/** A date such as "12 Mar 2026", in the reader's locale. */
export function formatDay(at: number): string {
  return new Date(at).toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  })
}

/** A date and time such as "12 Mar 2026, 14:05". */
export function formatMoment(at: number): string {
  return new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}

export function statusLabel(status: string): string {
  switch (status) {
    case 'draft':
      return 'Draft'
    case 'live':
      return 'Live'
    case 'ended':
      return 'Ended'
    default:
      return status
  }
}

export function roleLabel(role: Role): string {
  switch (role) {
    case 'host':
      return 'Host'
    case 'moderator':
      return 'Moderator'
    case 'presenter':
      return 'Presenter'
    case 'attendee':
      return 'Attendee'
    default: {
      const unknown: never = role
      throw new Error(`unknown role ${String(unknown)}`)
    }
  }
}
