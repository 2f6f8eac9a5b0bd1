import { type IceServer, IceServersResponse } from '@podium/shared'
import { type Api, api as defaultApi } from '../lib/api.ts'

/** Credentials are renewed this long before they expire. */
const MARGIN_MS = 60_000

/**
 * STUN/TURN servers for new peer connections, from GET /api/ice-servers, kept until
 * shortly before their TURN credentials expire. The server hands them out only while
 * the session is live, so they are asked for only then. Without an answer (offline, old
 * server, not live) peers still connect over host candidates on the same network.
 */
export class IceServers {
  private cached: { servers: IceServer[]; until: number } | null = null

  constructor(
    private readonly token: string,
    /** Whether the session is live now (its public document says so). */
    private readonly live: () => boolean,
    private readonly api: Pick<Api, 'get'> = defaultApi,
  ) {}

  async get(): Promise<IceServer[]> {
    if (this.cached && Date.now() < this.cached.until) return this.cached.servers
    if (!this.live()) return []
    try {
      const body = await this.api.get('/api/ice-servers', this.token, IceServersResponse)
      const until = body.expiresAt === null ? Date.now() + 10 * 60_000 : body.expiresAt - MARGIN_MS
      this.cached = { servers: body.iceServers, until }
      return body.iceServers
    } catch {
      return this.cached?.servers ?? []
    }
  }
}
