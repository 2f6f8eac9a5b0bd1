import {
  HAND_ENTRY_ID,
  OutboxEntry,
  pollAnswerEntryId,
  type Receipt,
  RejectReason,
  voteEntryId,
} from '@podium/shared'
import type { z } from 'zod'
import type { Decided, UserState } from './repository.ts'

export type ScanItem =
  | { kind: 'new'; entry: OutboxEntry }
  | { kind: 'invalid'; entryId: string; seq: number; reason: RejectReason }
  /** Already decided: make sure the receipt in the document says so. */
  | { kind: 'known'; entryId: string; receipt: Receipt }

/**
 * Sorts an outbox into what needs deciding and what is already decided. The database
 * (UserState) is the truth; receipts in the document are only what the author sees.
 */
export function scanOutbox(
  raw: Array<[string, unknown]>,
  receipts: (id: string) => Receipt | undefined,
  state: UserState,
): ScanItem[] {
  const items: ScanItem[] = []
  for (const [id, value] of raw) {
    const parsed = OutboxEntry.safeParse(value)
    if (!parsed.success || !keyedRight(id, parsed.data)) {
      const seq =
        typeof (value as { seq?: unknown })?.seq === 'number' ? (value as { seq: number }).seq : 0
      const reason = parsed.success ? RejectReason.invalid : invalidReason(parsed.error)
      const current = receipts(id)
      if (current?.seq !== seq || current?.status !== 'rejected' || current?.reason !== reason)
        items.push({ kind: 'invalid', entryId: id, seq, reason })
      continue
    }
    const entry = parsed.data
    if (isStateEntry(entry)) {
      if (receipts(id)?.seq !== entry.seq) items.push({ kind: 'new', entry })
      continue
    }
    const decided = state.decided.get(id)
    if (!decided) {
      items.push({ kind: 'new', entry })
      continue
    }
    const receipt = toReceipt(decided)
    const current = receipts(id)
    if (
      !current ||
      current.status !== receipt.status ||
      current.seq !== receipt.seq ||
      current.reason !== receipt.reason
    ) {
      items.push({ kind: 'known', entryId: id, receipt })
    }
  }
  // Asks before the votes and replies that may refer to them; then in the order written.
  return items.sort((a, b) => order(a) - order(b))
}

/**
 * An entry must sit under its own id; a vote under `vote:<questionId>`, so a user has one
 * vote entry per question and what they want is never ambiguous.
 */
function keyedRight(key: string, entry: OutboxEntry): boolean {
  if (entry.id !== key) return false
  if (entry.type === 'hand') return key === HAND_ENTRY_ID
  if (entry.type === 'poll-answer') return key === pollAnswerEntryId(entry.pollId)
  return entry.type !== 'vote' || key === voteEntryId(entry.questionId)
}

/**
 * Votes and poll answers are state, not events: one entry each, rewritten with a higher
 * `seq`, decided again whenever the receipt's `seq` differs (ING-ONCE-2).
 */
export function isStateEntry(entry: OutboxEntry): boolean {
  return entry.type === 'vote' || entry.type === 'hand' || entry.type === 'poll-answer'
}

/** A text over the hard ceiling is too long, not unreadable: say so, so the author can shorten it. */
function invalidReason(error: z.ZodError): RejectReason {
  const onlyTooLong = error.issues.every(
    (issue) => issue.code === 'too_big' && issue.path.length === 1 && issue.path[0] === 'text',
  )
  return onlyTooLong ? RejectReason.tooLong : RejectReason.invalid
}

function order(item: ScanItem): number {
  if (item.kind !== 'new') return 0
  const rank =
    item.entry.type === 'ask'
      ? 0
      : item.entry.type === 'vote' || item.entry.type === 'poll-answer'
        ? 2
        : 1
  return rank * 1e15 + item.entry.createdAt
}

export function toReceipt(decided: Decided): Receipt {
  return {
    status: decided.status,
    seq: decided.seq,
    at: Date.now(),
    ...(decided.reason ? { reason: decided.reason as Receipt['reason'] } : {}),
    ...(decided.detail ? { detail: decided.detail } : {}),
  }
}
