import { RefreshResponse } from '@podium/shared'
import { type Accessor, createSignal } from 'solid-js'
import { type Api, ApiError, createApi } from './api.ts'
import { withTabLock } from './tab-lock.ts'

/**
 * Who is signed in on this device. The account token lives in memory only (never in
 * storage a script could read later); the refresh cookie, which the page cannot read,
 * renews it. Every tab of the site hears sign-in, renewal and sign-out on one
 * BroadcastChannel, and only one tab at a time refreshes (a Web Lock): two refreshes with
 * the same cookie would look like a stolen cookie to the server, which signs the device out.
 */

export interface AccountInfo {
  id: string
  email: string
  name: string | null
}

export type AccountState =
  | { status: 'unknown' }
  | { status: 'signed-in'; account: AccountInfo }
  /** `notice`: why, when it happened while this tab was signed in; null otherwise. */
  | { status: 'signed-out'; notice: string | null }

type Message =
  | { type: 'signed-in'; accessToken: string; expiresAt: number; account: AccountInfo }
  | { type: 'signed-out'; notice: string }
  | { type: 'renamed'; account: AccountInfo }
  | { type: 'ask' }

export interface AccountOptions {
  /** The API client for sign-in calls; by default one that never retries (see below). */
  api?: Api
  now?: () => number
  /** Renews this long before the token ends. */
  marginMs?: number
  channelName?: string
  storage?: Storage
  /** How long a tab that has no token waits for another tab's before refreshing itself. */
  askWaitMs?: number
}

/** Not secret: lets a page show who is signed in before (or without) a network. */
const HINT_KEY = 'podium:account'
const LOCK = 'podium:account-refresh'

export const SIGNED_OUT_ELSEWHERE = 'You signed out of this device in another tab.'
export const DELETED_ELSEWHERE = 'Your account was deleted in another tab.'

export function createAccountAuth(options: AccountOptions = {}) {
  // A refresh sent again after its answer was lost would reuse a cookie the server has
  // already rotated, and count as a replay: sign-in calls are never retried by themselves.
  const api = options.api ?? createApi({ attempts: 1 })
  const now = options.now ?? Date.now
  const margin = options.marginMs ?? 60_000
  const storage = options.storage ?? localStorage
  const askWaitMs = options.askWaitMs ?? 120

  const hint = readHint(storage)
  const [state, setState] = createSignal<AccountState>(
    hint ? { status: 'signed-in', account: hint } : { status: 'unknown' },
  )
  let token: string | null = null
  let expiresAt = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let inflight: Promise<string | null> | null = null
  let started: Promise<void> | null = null
  let answered: (() => void) | null = null

  const channel =
    typeof BroadcastChannel === 'undefined'
      ? null
      : new BroadcastChannel(options.channelName ?? 'podium:account')
  // Node's channel (in tests) would otherwise keep the process alive.
  ;(channel as unknown as { unref?: () => void } | null)?.unref?.()
  const announce = (message: Message) => channel?.postMessage(message)

  const fresh = () => token !== null && expiresAt - now() > margin

  function adopt(accessToken: string, until: number, account: AccountInfo): void {
    token = accessToken
    // A device clock far ahead of the server's would see the token end at once: then
    // assume a few minutes rather than refresh in a loop.
    expiresAt = until - now() > 2 * margin ? until : now() + 2 * margin + 60_000
    writeHint(storage, account)
    setState({ status: 'signed-in', account })
    clearTimeout(timer)
    timer = setTimeout(
      () => {
        void refresh().catch(() => {
          // Offline: tried again when the network returns (see 'online' below).
        })
      },
      Math.max(1_000, expiresAt - margin - now()),
    )
    answered?.()
  }

  function end(notice: string | null): void {
    token = null
    expiresAt = 0
    clearTimeout(timer)
    storage.removeItem(HINT_KEY)
    setState({ status: 'signed-out', notice })
  }

  channel?.addEventListener('message', (event: MessageEvent<Message>) => {
    const message = event.data
    switch (message.type) {
      case 'signed-in':
        adopt(message.accessToken, message.expiresAt, message.account)
        return
      case 'signed-out':
        end(message.notice)
        return
      case 'renamed':
        if (state().status === 'signed-in') {
          writeHint(storage, message.account)
          setState({ status: 'signed-in', account: message.account })
        }
        return
      case 'ask':
        if (fresh() && token) {
          const current = state()
          if (current.status === 'signed-in')
            announce({ type: 'signed-in', accessToken: token, expiresAt, account: current.account })
        }
        return
      default: {
        const unknown: never = message
        throw new Error(`unknown account message ${JSON.stringify(unknown)}`)
      }
    }
  })

  /** Another tab may hold a token already: ask, and wait a moment for its answer. */
  function askOtherTabs(): Promise<void> {
    if (!channel) return Promise.resolve()
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(wait)
        answered = null
        resolve()
      }
      const wait = setTimeout(done, askWaitMs)
      answered = done
      announce({ type: 'ask' })
    })
  }

  /**
   * A fresh account token: this tab's, another tab's, or a new one from the refresh
   * cookie. Null when this device is not signed in; throws ApiError (status 0) offline.
   */
  function refresh(force = false): Promise<string | null> {
    inflight ??= withTabLock(LOCK, async () => {
      if (!force && fresh()) return token
      if (!force) await askOtherTabs()
      if (!force && fresh()) return token
      let body: RefreshResponse
      try {
        body = await api.post('/auth/refresh', undefined, null, RefreshResponse)
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          const wasIn = state().status === 'signed-in'
          end(wasIn ? error.message : null)
          if (wasIn) announce({ type: 'signed-out', notice: error.message })
          return null
        }
        throw error
      }
      adopt(body.accessToken, body.expiresAt, body.account)
      announce({
        type: 'signed-in',
        accessToken: body.accessToken,
        expiresAt: body.expiresAt,
        account: body.account,
      })
      return body.accessToken
    }).finally(() => {
      inflight = null
    })
    return inflight
  }

  if (typeof window !== 'undefined') {
    window.addEventListener('online', () => {
      if (state().status === 'signed-in' && !fresh()) void refresh().catch(() => {})
    })
  }

  return {
    state: state as Accessor<AccountState>,

    /**
     * Finds out whether this device is signed in. Without `probe`, only when it was last
     * time (no request for someone who never signed in); with it, always (the page a
     * sign-in link lands on has a new cookie but no hint yet).
     */
    start(probe = false): Promise<void> {
      if (probe && state().status !== 'signed-in') started = null
      started ??= (async () => {
        if (!readHint(storage) && !probe) {
          if (state().status === 'unknown') setState({ status: 'signed-out', notice: null })
          return
        }
        try {
          await refresh()
        } catch {
          // Offline: the hint stands until the network returns.
          if (state().status === 'unknown') setState({ status: 'signed-out', notice: null })
        }
      })()
      return started
    },

    /** A valid account token; ApiError 401 when signed out, status 0 when offline. */
    async accessToken(): Promise<string> {
      const current = fresh() && token ? token : await refresh()
      if (!current) {
        throw new ApiError(
          401,
          'Not signed in',
          'You are not signed in on this device.',
          'You are not signed in on this device. Sign in again.',
        )
      }
      return current
    },

    /**
     * The account token when this device is signed in, null for a guest: what creating,
     * joining and accepting an invite send. Throws (rather than go on as a guest) when a
     * signed-in device cannot get one.
     */
    async tokenIfSignedIn(): Promise<string | null> {
      await this.start()
      return state().status === 'signed-in' ? this.accessToken() : null
    },

    /** Renews now, whatever the token's age. */
    refresh: () => refresh(true),

    /** Signs this device out: the server forgets it and every tab hears it. */
    async signOut(): Promise<void> {
      await api.post('/auth/logout', undefined, null)
      end(null)
      announce({ type: 'signed-out', notice: SIGNED_OUT_ELSEWHERE })
    },

    /** The account was deleted from this tab. */
    deleted(): void {
      end(null)
      announce({ type: 'signed-out', notice: DELETED_ELSEWHERE })
    },

    /**
     * The server says this device was signed out (a socket closed with 'signed-out'):
     * a refresh confirms it, and gives every tab the server's reason.
     */
    async signedOutByServer(): Promise<void> {
      await refresh(true).catch(() => {})
    },

    renamed(account: AccountInfo): void {
      writeHint(storage, account)
      setState({ status: 'signed-in', account })
      announce({ type: 'renamed', account })
    },

    /** Stops listening (tests). */
    close(): void {
      clearTimeout(timer)
      channel?.close()
    },
  }
}

export type AccountAuth = ReturnType<typeof createAccountAuth>

let instance: AccountAuth | undefined

/** This page's account state, made on first use. */
export function accountAuth(): AccountAuth {
  instance ??= createAccountAuth()
  return instance
}

function readHint(storage: Storage): AccountInfo | null {
  try {
    const value: unknown = JSON.parse(storage.getItem(HINT_KEY) ?? 'null')
    if (typeof value !== 'object' || value === null) return null
    const v = value as Record<string, unknown>
    if (typeof v.id !== 'string' || typeof v.email !== 'string') return null
    return { id: v.id, email: v.email, name: typeof v.name === 'string' ? v.name : null }
  } catch {
    return null
  }
}

function writeHint(storage: Storage, account: AccountInfo): void {
  storage.setItem(HINT_KEY, JSON.stringify(account))
}
