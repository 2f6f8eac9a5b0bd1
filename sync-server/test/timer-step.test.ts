import { type Actor, PublicDoc } from '@podium/shared'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { TickPlan } from '../src/ingest/plan.ts'
import { timerStep } from '../src/ingest/timer-step.ts'

// The timer step on a plain document: a command is stamped with the server's clock and
// audited with the connection that wrote it, never with what the command says.

const ada: Actor = { userId: 'ada', name: 'Ada', role: 'presenter' }

describe('the timer step', () => {
  it('starts the timer at the tick time and audits who wrote the command', () => {
    const pub = new PublicDoc(new Y.Doc())
    pub.requestTimer({ id: 'c1', action: 'start', durationMs: 60_000, by: 'mallory' })
    const plan = new TickPlan('s', 5_000, [])
    timerStep(pub, plan, (id) => (id === 'c1' ? ada : null))
    for (const op of plan.publicOps) op(pub)
    expect(pub.stage().timer).toEqual({
      durationMs: 60_000,
      state: 'running',
      startedAt: 5_000,
      elapsedMs: 0,
    })
    expect(pub.pendingTimerCommand()).toBeNull()
    expect(plan.audit).toEqual([
      {
        at: 5_000,
        actorId: 'ada',
        actorName: 'Ada',
        actorRole: 'presenter',
        action: 'timer-start',
        targetId: null,
      },
    ])
  })

  it('audits a command no connection is known to have written with no actor', () => {
    const pub = new PublicDoc(new Y.Doc())
    pub.requestTimer({ id: 'c2', action: 'reset', by: 'ada' })
    const plan = new TickPlan('s', 1, [])
    timerStep(pub, plan, () => null)
    expect(plan.audit).toMatchObject([{ actorId: null, actorRole: null, action: 'timer-reset' }])
  })

  it('does nothing when no command waits', () => {
    const plan = new TickPlan('s', 1, [])
    timerStep(new PublicDoc(new Y.Doc()), plan, () => ada)
    expect(plan.publicOps).toEqual([])
    expect(plan.audit).toEqual([])
  })
})
