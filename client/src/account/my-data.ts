import { MeResponse, type MySession, MySessionsResponse } from '@podium/shared'
import { messageOf } from '../components/errors.ts'
import type { AccountAuth } from '../lib/account.ts'
import type { Api } from '../lib/api.ts'
import { participantIn } from './participants.ts'

/** Roles the server gives a whole session's export to (GET /api/sessions/<id>/export.json). */
const EXPORTERS = new Set(['host', 'moderator'])

const NO_EXPORT =
  'Podium gives a whole session’s export only to its host and moderators; what you contributed to it is under “contributions”.'

export interface MySessionData extends MySession {
  /** The session's JSON export, for a host or moderator; null otherwise. */
  export: unknown
  /** Why there is no export, when there is none. */
  note: string | null
  /**
   * What I asked, replied, voted and answered there, with where each stands
   * (GET /api/me/sessions/<id>/data); for a session I attended, where there is no export.
   */
  contributions: unknown
}

export interface MyData {
  exportedAt: string
  account: MeResponse['account']
  devices: MeResponse['devices']
  sessions: MySessionData[]
}

/**
 * Everything the server keeps about the account, as one JSON document: the account and
 * its devices, every session it takes part in with its role, the full export of each
 * session it hosts or moderates, and what it contributed to each session it attended.
 */
export async function collectMyData(
  auth: AccountAuth,
  api: Api,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<MyData> {
  const token = await auth.accessToken()
  const me = await api.get('/me', token, MeResponse)
  const mine = await api.get('/me/sessions', token, MySessionsResponse)
  const all = [...mine.hosting, ...mine.staff, ...mine.attended]
  const sessions: MySessionData[] = []
  for (const [index, session] of all.entries()) {
    onProgress(index, all.length)
    if (!EXPORTERS.has(session.role)) {
      try {
        const contributions = await api.get(
          `/me/sessions/${encodeURIComponent(session.id)}/data`,
          token,
        )
        sessions.push({ ...session, export: null, note: NO_EXPORT, contributions })
      } catch (error) {
        sessions.push({
          ...session,
          export: null,
          contributions: null,
          note: `What you contributed could not be collected: ${messageOf(error)}`,
        })
      }
      continue
    }
    try {
      const identity = await participantIn(auth, me.account.id, session, api)
      const data = await api.get(
        `/sessions/${encodeURIComponent(session.id)}/export.json`,
        identity.token,
      )
      sessions.push({ ...session, export: data, note: null, contributions: null })
    } catch (error) {
      sessions.push({
        ...session,
        export: null,
        contributions: null,
        note: `The export could not be made: ${messageOf(error)}`,
      })
    }
  }
  onProgress(all.length, all.length)
  return {
    exportedAt: new Date().toISOString(),
    account: me.account,
    devices: me.devices,
    sessions,
  }
}
