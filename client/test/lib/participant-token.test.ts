import { describe, expect, it } from 'vitest'
import { loadIdentity, saveIdentity } from '../../src/lib/identity.ts'
import { isAccountBound, renewParticipant } from '../../src/lib/participant-token.ts'
import { expIn, fakeToken, scriptedServer } from '../helpers/http.ts'

const base = { sessionId: 'session-1', userId: 'user-1', role: 'attendee' as const, name: 'Ada' }
const auth = { accessToken: async () => 'account-token' }

describe('renewing a signed-in participant’s session token', () => {
  it('asks the server with the account token, and stores the answer for every tab', async () => {
    const old = { ...base, token: fakeToken({ acc: 'account-1', exp: expIn(1) }) }
    const fresh = { ...base, token: fakeToken({ acc: 'account-1', exp: expIn(15) }) }
    saveIdentity(old)
    const { api, sent } = scriptedServer({
      'POST /api/me/sessions/session-1/token': () => ({ body: fresh }),
    })
    await expect(renewParticipant(auth, 'session-1', old, api)).resolves.toEqual(fresh)
    expect(sent).toEqual([
      {
        method: 'POST',
        path: '/api/me/sessions/session-1/token',
        body: null,
        token: 'account-token',
      },
    ])
    expect(loadIdentity('session-1')).toEqual(fresh)
  })

  it('takes the token another tab renewed meanwhile instead of asking again', async () => {
    const old = { ...base, token: fakeToken({ acc: 'account-1', exp: expIn(1) }) }
    const renewedElsewhere = { ...base, token: fakeToken({ acc: 'account-1', exp: expIn(14) }) }
    saveIdentity(renewedElsewhere)
    const { api, sent } = scriptedServer({})
    await expect(renewParticipant(auth, 'session-1', old, api)).resolves.toEqual(renewedElsewhere)
    expect(sent).toEqual([])
  })

  it('renews only tokens issued to an account', () => {
    expect(isAccountBound({ token: fakeToken({ acc: 'account-1', exp: expIn(15) }) })).toBe(true)
    expect(isAccountBound({ token: fakeToken({ exp: expIn(60 * 24) }) })).toBe(false)
    expect(isAccountBound({ token: 'not-a-token' })).toBe(false)
  })
})
