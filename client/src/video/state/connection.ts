import type { PublicDoc, Role } from '@podium/shared'

/** What the stage needs from a session connection (the room's and the staff views' both fit). */
export interface StageConnection {
  identity: {
    sessionId: string
    userId: string
    token: string
    role: Role
    name: string | null
  }
  /** The session's public document, where the stage roster lives. */
  public: PublicDoc
}
