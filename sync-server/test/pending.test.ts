import type { Actor, AuditEntry } from '@podium/shared'
import { describe, expect, it } from 'vitest'
import { emptyTaken, PendingWork } from '../src/ingest/pending.ts'

// What waits for a session's next tick, without sockets or documents: what marks add,
// what a tick takes, and what a failed tick gives back.

const ada: Actor = { userId: 'ada', name: 'Ada', role: 'moderator' }
const entry = (action: string): AuditEntry => ({
  at: 1,
  actorId: 'ada',
  actorName: 'Ada',
  actorRole: 'moderator',
  action,
  targetId: null,
})

describe('pending work', () => {
  it('merges the entries that changed per outbox until a full scan is asked for', () => {
    const pending = new PendingWork()
    pending.markOutbox('bo', ['e1'])
    pending.markOutbox('bo', ['e2', 'e1'])
    pending.markOutbox('cy', ['e3'])
    pending.markOutbox('cy')
    pending.markOutbox('cy', ['e4'])
    expect(pending.outboxCount).toBe(2)
    const taken = emptyTaken()
    expect(pending.takeOutboxes(taken)).toEqual([
      ['bo', new Set(['e1', 'e2'])],
      ['cy', 'all'],
    ])
    expect(taken.users).toEqual(['bo', 'cy'])
    expect(pending.outboxCount).toBe(0)
  })

  it('looks for decisions and a timer command once after a start, then only when marked', () => {
    const pending = new PendingWork()
    const taken = emptyTaken()
    expect(pending.decisionsPending).toBe(true)
    expect(pending.takeDecisions(taken)).toBe(true)
    expect(pending.takeTimer(taken)).toBe(true)
    expect(taken).toMatchObject({ decisions: true, timer: true })
    expect(pending.takeDecisions(emptyTaken())).toBe(false)
    expect(pending.takeTimer(emptyTaken())).toBe(false)
    pending.markDecisions([], null)
    pending.markTimer()
    expect(pending.takeDecisions(emptyTaken())).toBe(true)
    expect(pending.takeTimer(emptyTaken())).toBe(true)
  })

  it('names who delivered a decision once, and a timer command only if it is the latest', () => {
    const pending = new PendingWork()
    pending.markDecisions(['q1', 'q2'], ada)
    expect(pending.decisionActor('q1')).toEqual(ada)
    expect(pending.decisionActor('q1')).toBeNull()
    expect(pending.decisionActor('q2')).toEqual(ada)
    pending.markTimer({ commandId: 't1', actor: ada })
    expect(pending.timerActorOf('t1')).toEqual(ada)
    pending.markTimer({ commandId: 't2', actor: { ...ada, userId: 'bo' } })
    expect(pending.timerActorOf('t1')).toBeNull()
    expect(pending.timerActorOf('t2')?.userId).toBe('bo')
  })

  it('gives back what a failed tick took: outboxes for a full scan, audit first in line', () => {
    const pending = new PendingWork()
    expect(pending.addAudit([])).toBe(false)
    expect(pending.addAudit([entry('a')])).toBe(true)
    pending.markOutbox('bo', ['e1'])
    const taken = emptyTaken()
    const audit = pending.takeAudit(taken)
    expect(audit.map((e) => e.action)).toEqual(['a'])
    pending.takeOutboxes(taken)
    pending.takeDecisions(taken)
    pending.takeTimer(taken)
    // The tick adds its own entries to the list it took; only what it took comes back.
    audit.push(entry('added by the tick'))
    pending.addAudit([entry('b')])
    pending.markOutbox('bo', ['e2'])
    pending.giveBack(taken)
    const again = emptyTaken()
    expect(pending.takeAudit(again).map((e) => e.action)).toEqual(['a', 'b'])
    expect(pending.takeOutboxes(again)).toEqual([['bo', 'all']])
    expect(pending.takeDecisions(again)).toBe(true)
    expect(pending.takeTimer(again)).toBe(true)
    expect(pending.auditCount).toBe(0)
  })
})
