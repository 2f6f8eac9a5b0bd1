import type { AuditEntry } from '@podium/shared'
import { request } from '../../../test-support/podium.ts'

export { acceptedInvite, createSession, type Joined, join } from '../../../test-support/api.ts'
export { TestClient, waitFor } from '../../../test-support/sync-client.ts'

/**
 * The session's audit log as GET /api/sessions/:id/audit returns it (oldest first), read
 * until `until` holds of it or `timeoutMs` passes.
 */
export async function auditLog(
  url: string,
  session: { id: string; token: string },
  until: (entries: AuditEntry[]) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<AuditEntry[]> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const res = await request<{ entries: AuditEntry[] }>(
      `${url}/api/sessions/${session.id}/audit`,
      {
        token: session.token,
      },
    )
    if (res.status !== 200) throw new Error(`audit: ${res.status} ${JSON.stringify(res.body)}`)
    if (until(res.body.entries)) return res.body.entries
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for the audit log: ${JSON.stringify(res.body.entries)}`,
      )
    await new Promise((r) => setTimeout(r, 50))
  }
}
