import type { Role } from '@podium/shared'

export const paths = {
  landing: () => '/',
  /** `/j` alone asks for the code. */
  join: (code: string) => (code ? `/j/${encodeURIComponent(code)}` : '/j'),
  room: (sessionId: string) => `/s/${sessionId}`,
  moderate: (sessionId: string) => `/s/${sessionId}/moderate`,
  host: (sessionId: string) => `/s/${sessionId}/host`,
  present: (sessionId: string) => `/s/${sessionId}/present`,
  /** The sign-in page; `returnTo` (a path here) is where it leads back to. */
  signIn: (returnTo?: string) =>
    returnTo ? `/signin?returnTo=${encodeURIComponent(returnTo)}` : '/signin',
  mySessions: () => '/me',
  account: () => '/account',
}

/** This page's path and query, to come back to after signing in. */
export function here(): string {
  return `${window.location.pathname}${window.location.search}`
}

/** Where someone lands after joining or accepting an invite. */
export function homeFor(role: Role, sessionId: string): string {
  switch (role) {
    case 'host':
    case 'presenter':
      return paths.host(sessionId)
    case 'moderator':
      return paths.moderate(sessionId)
    case 'attendee':
      return paths.room(sessionId)
    default: {
      const unknown: never = role
      throw new Error(`unknown role ${String(unknown)}`)
    }
  }
}
