import { ACCESS_REVOKED } from '@podium/shared'
import { describe, expect, it } from 'vitest'
import { authErrorText } from '../../src/room/Room.tsx'

describe('why the server refused this device, in words', () => {
  it('says what to do for each refusal, and nothing when there is none', () => {
    expect(authErrorText(null)).toBeNull()
    expect(authErrorText('token-expired')).toMatch(/expired\. Join again/)
    expect(authErrorText(ACCESS_REVOKED)).toMatch(
      /withdrawn your access to this session: your role, or your ticket/,
    )
    expect(authErrorText('outbox-full')).toMatch(/limit of contributions.*Reload to keep reading/)
    expect(authErrorText('bad-frame')).toMatch(/could not read what this device sent/)
    expect(authErrorText('something-else')).toMatch(/did not let this device in/)
  })
})
