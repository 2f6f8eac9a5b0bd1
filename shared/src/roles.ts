export const Role = {
  host: 'host',
  moderator: 'moderator',
  presenter: 'presenter',
  attendee: 'attendee',
} as const
export type Role = (typeof Role)[keyof typeof Role]
export const ROLES = Object.values(Role) as readonly Role[]
export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value)

/**
 * Who did something in a session, as their token says: the server records it in the audit
 * log (never what a client wrote into a document), staff clients write it into decisions,
 * replies and timer commands.
 */
export interface Actor {
  userId: string
  name: string | null
  role: Role
}

/** Roles that curate the session: they write the public and moderators' documents. */
export function isStaff(role: Role): boolean {
  switch (role) {
    case Role.host:
    case Role.moderator:
    case Role.presenter:
      return true
    case Role.attendee:
      return false
    default: {
      const unknown: never = role
      throw new Error(`unknown role ${String(unknown)}`)
    }
  }
}

/** Roles that may publish camera and screen on the video stage. */
export function canPublishVideo(role: Role): boolean {
  return role === Role.host || role === Role.presenter
}
