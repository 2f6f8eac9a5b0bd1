import type { Db } from '../db/connect.ts'

/** Answers "does this session exist?" with a short cache, since every connection asks. */
export class SessionDirectory {
  private readonly known = new Map<string, number>()

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 30_000,
  ) {}

  async exists(sessionId: string): Promise<boolean> {
    const seen = this.known.get(sessionId)
    if (seen !== undefined && Date.now() - seen < this.ttlMs) return true
    const row = await this.db.kysely
      .selectFrom('sessions')
      .select('id')
      .where('id', '=', sessionId)
      .executeTakeFirst()
    if (row) this.known.set(sessionId, Date.now())
    return row !== undefined
  }

  forget(sessionId: string): void {
    this.known.delete(sessionId)
  }
}
