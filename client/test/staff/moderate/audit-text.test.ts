import { describe, expect, it } from 'vitest'
import { type AuditLookup, describeAudit } from '../../../src/staff/moderate/audit-text.ts'

const lookup: AuditLookup = {
  question: (id) => (id === 'q1' ? 'How are the new offices heated?' : undefined),
  replyQuestion: (id) => (id === 'r1' ? 'How are the new offices heated?' : undefined),
  agendaItem: (id) => (id === 'a1' ? 'Opening remarks' : undefined),
}

const say = (action: string, targetId: string | null, detail?: string) => {
  const d = describeAudit({ action, targetId, ...(detail ? { detail } : {}) }, lookup)
  return [d.action, d.target, d.detail].filter(Boolean).join(' ')
}

describe('history entries name their target', () => {
  it('a reply is named by the question it answers', () => {
    expect(say('reply', 'r1')).toBe('replied to “How are the new offices heated?”')
    expect(say('hide-reply', 'r1')).toBe('hid a reply to “How are the new offices heated?”')
    expect(say('approve-reply', 'r1')).toBe('approved a reply to “How are the new offices heated?”')
  })

  it('questions and agenda items by their text; what is gone is said to be gone', () => {
    expect(say('pin', 'q1')).toBe('pinned “How are the new offices heated?”')
    expect(say('reject-question', 'q1', 'Asked before')).toBe(
      'rejected “How are the new offices heated?” Asked before',
    )
    expect(say('delete-question', 'gone')).toBe('removed a question no longer in the session')
    expect(say('reply', 'gone')).toBe('replied to a question no longer in the session')
    expect(say('set-current-item', 'a1')).toBe('moved the agenda on to “Opening remarks”')
    expect(say('set-current-item', 'gone')).toBe(
      'moved the agenda on to an item since removed from the agenda',
    )
    expect(say('set-current-item', null)).toBe('cleared the current agenda item')
  })

  it('people and invites by what the server wrote down', () => {
    expect(say('revoke-staff', 'u1', 'Ada (moderator)')).toBe(
      'withdrew the staff role of Ada (moderator)',
    )
    expect(say('revoke-invite', 'i1', 'a presenter invite used by Bo')).toBe(
      'withdrew a presenter invite used by Bo',
    )
    expect(say('revoke-invite', 'i1')).toBe('withdrew an invite')
  })

  it('host links: a new one made, and the console opened with one', () => {
    expect(say('issue-host-link', null)).toBe(
      'made a new host link (the one before stopped working)',
    )
    expect(say('open-host-link', null)).toBe('opened the host console with the host link')
  })

  it('no action with a target ends without one', () => {
    const actions = [
      'add-question',
      'approve-question',
      'approve-edit',
      'approve-reply',
      'archive',
      'delete-question',
      'delete-reply',
      'edit-question',
      'hide',
      'hide-reply',
      'label',
      'mark-answered',
      'mark-unanswered',
      'pin',
      'reject-edit',
      'reject-question',
      'reject-reply',
      'reply',
      'restore',
      'set-current-item',
      'show-reply',
      'spotlight',
      'unpin',
      'revoke-invite',
      'revoke-staff',
    ]
    for (const action of actions) {
      expect(describeAudit({ action, targetId: 'unknown' }, lookup).target, action).toBeTruthy()
    }
  })
})
