// Signing in over HTTP as a browser would: ask for the e-mail link, follow it, keep the
// refresh cookie, and renew the account token with it.
import { type Inbox, linkIn } from './mail.ts'
import { request } from './podium.ts'

export interface SignedInClient {
  /** The refresh cookie's value, as a browser holds it. */
  cookie: string
  accessToken: string
  accountId: string
  /** Renews the account token with the cookie (rotating it). */
  refresh(): Promise<{ status: number; body: unknown }>
}

/** The value of `podium_refresh` in a response's Set-Cookie, or undefined. */
export function refreshCookieOf(headers: Headers): string | undefined {
  for (const line of headers.getSetCookie()) {
    const match = /^podium_refresh=([^;]*)/.exec(line)
    if (match) return match[1]
  }
  return undefined
}

/** Follows a sign-in link without following its redirect: the cookie and where it leads. */
export async function followLink(
  link: string,
): Promise<{ status: number; location: string | null; cookie: string | undefined }> {
  const response = await fetch(link, {
    redirect: 'manual',
    headers: { 'user-agent': 'Firefox/140 (X11; Linux)' },
  })
  await response.arrayBuffer()
  return {
    status: response.status,
    location: response.headers.get('location'),
    cookie: refreshCookieOf(response.headers),
  }
}

export async function refreshWith(
  url: string,
  cookie: string,
): Promise<{ status: number; body: any; cookie: string | undefined }> {
  const response = await request<any>(`${url}/api/auth/refresh`, {
    method: 'POST',
    headers: { cookie: `podium_refresh=${cookie}` },
  })
  return { status: response.status, body: response.body, cookie: refreshCookieOf(response.headers) }
}

/** Signs `email` in through the e-mail link the inbox receives. */
export async function signInByEmail(
  url: string,
  inbox: Inbox,
  email: string,
): Promise<SignedInClient> {
  const asked = await request(`${url}/api/auth/email`, { body: { email } })
  if (asked.status !== 202) throw new Error(`POST /api/auth/email answered ${asked.status}`)
  const followed = await followLink(linkIn(await inbox.next(email)))
  if (!followed.cookie) throw new Error(`the link set no cookie (${followed.status})`)
  const client: SignedInClient = {
    cookie: followed.cookie,
    accessToken: '',
    accountId: '',
    async refresh() {
      const renewed = await refreshWith(url, client.cookie)
      if (renewed.status === 200 && renewed.cookie) {
        client.cookie = renewed.cookie
        client.accessToken = renewed.body.accessToken
        client.accountId = renewed.body.account.id
      }
      return renewed
    },
  }
  const first = await client.refresh()
  if (first.status !== 200) throw new Error(`refresh answered ${first.status}`)
  return client
}
