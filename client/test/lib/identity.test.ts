import { afterEach, describe, expect, it } from 'vitest'
import {
  forgetIdentity,
  type Identity,
  type IdentityEvent,
  loadIdentity,
  onIdentityChange,
  saveIdentity,
} from '../../src/lib/identity.ts'

const me: Identity = {
  sessionId: 'sess0001',
  userId: 'user0001',
  token: 'tok',
  role: 'attendee',
  name: 'Ada',
}
const unsubscribers: Array<() => void> = []
afterEach(() => {
  for (const off of unsubscribers.splice(0)) off()
})

describe('identity', () => {
  it('saves, loads and forgets one identity per session', () => {
    expect(loadIdentity(me.sessionId)).toBeNull()
    saveIdentity(me)
    expect(loadIdentity(me.sessionId)).toEqual(me)
    expect(loadIdentity('other000')).toBeNull()
    forgetIdentity(me.sessionId)
    expect(loadIdentity(me.sessionId)).toBeNull()
  })

  it('ignores stored values that are not identities', () => {
    localStorage.setItem(
      `podium:identity:${me.sessionId}`,
      '{"sessionId":"sess0001","role":"king"}',
    )
    expect(loadIdentity(me.sessionId)).toBeNull()
    localStorage.setItem(`podium:identity:${me.sessionId}`, 'not json')
    expect(loadIdentity(me.sessionId)).toBeNull()
  })

  it('tells other tabs when an identity is saved or forgotten', async () => {
    const events: IdentityEvent[] = []
    unsubscribers.push(onIdentityChange((event) => events.push(event)))
    saveIdentity(me)
    forgetIdentity(me.sessionId)
    await expect.poll(() => events.length).toBe(2)
    expect(events).toEqual([
      { type: 'saved', identity: me },
      { type: 'forgotten', sessionId: me.sessionId },
    ])
  })
})
