import { Limits } from '@podium/shared'
import { describe, expect, it } from 'vitest'
import {
  approve,
  createLabel,
  editPending,
  postReply,
  reject,
  setAnswered,
  setPinned,
  setStatus,
  toggleLabel,
  toggleSpotlight,
  undoDecision,
} from '../../../src/staff/model/actions.ts'
import { createTestRoom } from '../../helpers/room.tsx'

describe('queue decisions', () => {
  it('approve writes who decided and when; the item stays for the server to carry out', () => {
    const t = createTestRoom({ now: 5_000 })
    const item = t.addPending()
    expect(approve(t.room, item.id)).toBeNull()
    expect(t.room.mod.pending(item.id)?.decision).toEqual({
      action: 'approve',
      by: 'mod-1',
      byName: 'Mia',
      at: 5_000,
    })
  })

  it('reject keeps a trimmed reason, and refuses one that is too long', () => {
    const t = createTestRoom()
    const item = t.addPending()
    expect(reject(t.room, item.id, 'x'.repeat(Limits.reasonLength + 1))).toMatch(/at most/)
    expect(t.room.mod.pending(item.id)?.decision).toBeNull()
    expect(reject(t.room, item.id, '  Off topic  ')).toBeNull()
    expect(t.room.mod.pending(item.id)?.decision).toMatchObject({
      action: 'reject',
      reason: 'Off topic',
    })
  })

  it('a rejection without a reason stores none', () => {
    const t = createTestRoom()
    const item = t.addPending()
    reject(t.room, item.id, '   ')
    expect(t.room.mod.pending(item.id)?.decision).not.toHaveProperty('reason')
  })

  it('undo clears a decision the server has not carried out; says so once it has', () => {
    const t = createTestRoom()
    const item = t.addPending()
    approve(t.room, item.id)
    expect(undoDecision(t.room, item.id)).toBeNull()
    expect(t.room.mod.pending(item.id)?.decision).toBeNull()
    t.room.mod.dequeue(item.id)
    expect(undoDecision(t.room, item.id)).toMatch(/already/)
    expect(approve(t.room, item.id)).toMatch(/no longer/)
  })

  it('edit checks the session length limit', () => {
    const t = createTestRoom()
    t.room.pub.setSettings({ maxQuestionLength: 20 })
    const item = t.addPending()
    expect(editPending(t.room, item.id, 'x'.repeat(21))).toMatch(/at most 20/)
    expect(editPending(t.room, item.id, ' ')).toMatch(/empty/)
    expect(editPending(t.room, item.id, ' Shorter ')).toBeNull()
    expect(t.room.mod.pending(item.id)?.text).toBe('Shorter')
  })
})

describe('published questions', () => {
  it('pin and answered stamp and clear their times', () => {
    const t = createTestRoom({ now: 9_000 })
    const q = t.addQuestion()
    setPinned(t.room, q.id, true)
    setAnswered(t.room, q.id, true)
    expect(t.room.pub.question(q.id)).toMatchObject({
      pinned: true,
      pinnedAt: 9_000,
      answered: true,
      answeredAt: 9_000,
    })
    setPinned(t.room, q.id, false)
    setAnswered(t.room, q.id, false)
    expect(t.room.pub.question(q.id)).toMatchObject({
      pinned: false,
      pinnedAt: null,
      answered: false,
      answeredAt: null,
    })
    expect(setPinned(t.room, 'gone', true)).toMatch(/no longer/)
  })

  it('hiding the question on screen takes it off screen; hidden ones cannot go on', () => {
    const t = createTestRoom()
    const q = t.addQuestion()
    expect(toggleSpotlight(t.room, q.id)).toBeNull()
    expect(t.room.pub.stage().spotlightQuestionId).toBe(q.id)
    setStatus(t.room, q.id, 'hidden')
    expect(t.room.pub.stage().spotlightQuestionId).toBeNull()
    expect(toggleSpotlight(t.room, q.id)).toMatch(/Restore/)
    setStatus(t.room, q.id, 'published')
    toggleSpotlight(t.room, q.id)
    toggleSpotlight(t.room, q.id)
    expect(t.room.pub.stage().spotlightQuestionId).toBeNull()
  })

  it('labels are shared by name and capped per question', () => {
    const t = createTestRoom()
    const q = t.addQuestion()
    const first = createLabel(t.room, 'Roadmap', '#1d4ed8')
    expect(createLabel(t.room, ' roadmap ', '#047857')).toEqual(first)
    expect(createLabel(t.room, '', '#047857')).toMatch(/name/)
    for (let i = 0; i < Limits.labelsPerQuestion; i++) {
      const label = createLabel(t.room, `L${i}`, '#1d4ed8')
      if (typeof label === 'string') throw new Error(label)
      expect(toggleLabel(t.room, q, label.id)).toBeNull()
    }
    if (typeof first === 'string') throw new Error(first)
    expect(toggleLabel(t.room, q, first.id)).toMatch(/at most/)
    const one = t.room.pub.question(q.id)?.labels[0] as string
    toggleLabel(t.room, q, one)
    expect(t.room.pub.question(q.id)?.labels).not.toContain(one)
  })

  it('staff replies carry the author role', () => {
    const t = createTestRoom({ role: 'host', name: 'Hana' })
    const q = t.addQuestion()
    expect(postReply(t.room, q.id, '  ')).toMatch(/reply/)
    expect(postReply(t.room, q.id, 'We ship in May.')).toBeNull()
    expect(t.room.pub.replies(q.id)).toEqual([
      expect.objectContaining({ text: 'We ship in May.', authorRole: 'host', authorName: 'Hana' }),
    ])
  })
})
