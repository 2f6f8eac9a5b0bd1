import { contributionsOf, type OutboxDoc, type PublicDoc } from '@podium/shared'
import type { Identity } from '../lib/identity.ts'

/** Everything this user contributed to the session, as a JSON-ready object. */
export function exportMyData(identity: Identity, pub: PublicDoc, outbox: OutboxDoc) {
  return contributionsOf(identity, pub, outbox)
}
