import { describe, expect, it } from 'vitest'
import { loadIdentity, saveIdentity } from '../../src/lib/identity.ts'
import { wipeOfflineData } from '../../src/lib/offline-data.ts'
import { expIn, fakeToken } from '../helpers/http.ts'

function openDatabase(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name)
    request.onupgradeneeded = () => request.result.createObjectStore('updates')
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
}

describe('wiping this device’s copies', () => {
  it('removes every database and the account’s session tokens, and keeps guests’', async () => {
    const mine = { sessionId: 'session-1', userId: 'u1', role: 'attendee' as const, name: null }
    saveIdentity({ ...mine, token: fakeToken({ acc: 'account-1', exp: expIn(15) }) })
    saveIdentity({ ...mine, sessionId: 'session-2', token: fakeToken({ exp: expIn(60) }) })
    saveIdentity({
      ...mine,
      sessionId: 'session-3',
      token: fakeToken({ acc: 'someone-else', exp: expIn(15) }),
    })
    for (const name of ['session/session-1', 'session/session-2/user/u1']) {
      const db = await openDatabase(name)
      db.close()
    }
    const held = await openDatabase('session/session-3')
    held.onversionchange = () => held.close()

    const result = await wipeOfflineData('account-1')
    expect(result).toMatchObject({ databases: 3, identities: 1, blocked: 0 })
    expect(await indexedDB.databases()).toEqual([])
    expect(loadIdentity('session-1')).toBeNull()
    expect(loadIdentity('session-2')).not.toBeNull()
    expect(loadIdentity('session-3')).not.toBeNull()
  })
})
