import { afterEach, describe, expect, it, vi } from 'vitest'
import { type AccountAuth, createAccountAuth, SIGNED_OUT_ELSEWHERE } from '../../src/lib/account.ts'
import { problem, scriptedServer } from '../helpers/http.ts'

const ada = { id: 'account-1', email: 'ada@example.org', name: 'Ada' }
let channel = 0
const opened: AccountAuth[] = []
afterEach(() => {
  for (const auth of opened.splice(0)) auth.close()
  vi.useRealTimers()
})

/** Two tabs of one browser: the same storage and channel, each its own memory. */
function tabs(routes: Parameters<typeof scriptedServer>[0], askWaitMs = 20) {
  const server = scriptedServer(routes)
  const channelName = `test-account-${++channel}`
  const tab = () => {
    const auth = createAccountAuth({ api: server.api, channelName, askWaitMs })
    opened.push(auth)
    return auth
  }
  return { ...server, tab }
}

let issued = 0
const refreshed = () => ({
  body: { accessToken: `access-${++issued}`, expiresAt: Date.now() + 15 * 60_000, account: ada },
})

describe('account token', () => {
  it('asks nobody when this device never signed in', async () => {
    const { tab, sent } = tabs({ 'POST /api/auth/refresh': refreshed })
    const auth = tab()
    await auth.start()
    expect(auth.state()).toEqual({ status: 'signed-out', notice: null })
    expect(sent).toEqual([])
    // A page a sign-in link lands on asks all the same.
    await auth.start(true)
    expect(auth.state()).toEqual({ status: 'signed-in', account: ada })
    expect(sent.map((s) => s.path)).toEqual(['/api/auth/refresh'])
  })

  it('shares one refresh between tabs: the second takes the first one’s token', async () => {
    const { tab, sent } = tabs({ 'POST /api/auth/refresh': refreshed })
    const first = tab()
    const second = tab()
    const token = await first.accessToken()
    await expect.poll(() => second.state().status).toBe('signed-in')
    await expect(second.accessToken()).resolves.toBe(token)
    expect(sent.filter((s) => s.path === '/api/auth/refresh')).toHaveLength(1)
    // A tab opened later asks the others before it refreshes.
    const third = tab()
    await third.start()
    await expect(third.accessToken()).resolves.toBe(token)
    expect(sent.filter((s) => s.path === '/api/auth/refresh')).toHaveLength(1)
  })

  it('renews the token a minute before it ends', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const { tab, sent } = tabs({ 'POST /api/auth/refresh': refreshed }, 0)
    const auth = tab()
    const pending = auth.accessToken()
    await vi.advanceTimersByTimeAsync(10)
    await expect(pending).resolves.toBe(`access-${issued}`)
    const first = issued
    await vi.advanceTimersByTimeAsync(13 * 60_000)
    expect(sent).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(60_000 + 10)
    expect(sent).toHaveLength(2)
    await expect(auth.accessToken()).resolves.toBe(`access-${first + 1}`)
  })

  it('hears a refused refresh as signed out, with the server’s reason, in every tab', async () => {
    let signedIn = true
    const { tab } = tabs({
      'POST /api/auth/refresh': () =>
        signedIn
          ? refreshed()
          : {
              status: 401,
              body: problem(401, 'You were signed out on this device. Sign in again.'),
            },
    })
    const first = tab()
    const second = tab()
    await first.accessToken()
    await expect.poll(() => second.state().status).toBe('signed-in')
    signedIn = false
    await first.signedOutByServer()
    const notice = 'You were signed out on this device. Sign in again.'
    expect(first.state()).toEqual({ status: 'signed-out', notice })
    await expect.poll(() => second.state()).toEqual({ status: 'signed-out', notice })
    await expect(second.accessToken()).rejects.toMatchObject({ status: 401 })
    expect(localStorage.getItem('podium:account')).toBeNull()
  })

  it('signs out: the server forgets the device, and the other tabs say so', async () => {
    const { tab, sent } = tabs({
      'POST /api/auth/refresh': refreshed,
      'POST /api/auth/logout': () => ({ status: 204 }),
    })
    const first = tab()
    const second = tab()
    await first.accessToken()
    await expect.poll(() => second.state().status).toBe('signed-in')
    await first.signOut()
    expect(sent.at(-1)?.path).toBe('/api/auth/logout')
    expect(first.state()).toEqual({ status: 'signed-out', notice: null })
    await expect
      .poll(() => second.state())
      .toEqual({ status: 'signed-out', notice: SIGNED_OUT_ELSEWHERE })
  })

  it('stays signed in while offline, from what it knew', async () => {
    localStorage.setItem('podium:account', JSON.stringify(ada))
    const { tab } = tabs({
      'POST /api/auth/refresh': () => {
        throw new TypeError('Failed to fetch')
      },
    })
    const auth = tab()
    await auth.start()
    expect(auth.state()).toEqual({ status: 'signed-in', account: ada })
    await expect(auth.accessToken()).rejects.toMatchObject({ status: 0 })
  })
})
