import cookie from '@fastify/cookie'
import { EmailSignInBody, ReturnTo } from '@podium/shared'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { randomNonce, randomPKCECodeVerifier, randomState } from 'openid-client'
import { z } from 'zod'
import { accountToken } from '../auth/account-access.ts'
import type { Account } from '../auth/accounts.ts'
import {
  clearRefreshCookie,
  refreshCookie,
  setRefreshCookie,
  setSignInCookie,
  takeSignInCookie,
} from '../auth/cookies.ts'
import { signOutDevice } from '../auth/domain.ts'
import { EMAIL_LINK_TTL_MS } from '../auth/email-links.ts'
import { ProviderError } from '../auth/providers.ts'
import { hashSecret } from '../auth/secrets.ts'
import { HttpProblem } from '../http/problem.ts'
import { parse } from '../http/validate.ts'
import type { KindData } from '../notifications/compose.ts'
import type { Services } from '../services.ts'
import { openRoute } from './access.ts'

/** Where someone lands after signing in, unless the link or button said otherwise. */
const HOME = '/me'

/** How long a provider sign-in may take between the redirect out and the callback. */
const PROVIDER_TTL_MS = 10 * 60_000

/** Sign-in mails per address per quarter hour, wherever they are asked for from. */
const MAILS_PER_ADDRESS = 5

/** Why a sign-in did not happen: the sign-in page words each (client/src/account/sign-in-errors.ts). */
type Failure =
  | 'link-invalid'
  | 'link-used'
  | 'link-expired'
  | 'state-mismatch'
  | 'provider-error'
  | 'provider-denied'
  | 'provider-unreachable'
  | 'no-verified-email'

const FAILURES: Record<Failure, { status: number; detail: string }> = {
  'link-invalid': {
    status: 400,
    detail:
      'This sign-in link is not valid. Check that the whole link was opened, or ask for a new one.',
  },
  'link-used': {
    status: 410,
    detail: 'This sign-in link has been used already. Each link works once; ask for a new one.',
  },
  'link-expired': {
    status: 410,
    detail: 'This sign-in link has expired (links work for 15 minutes). Ask for a new one.',
  },
  'state-mismatch': {
    status: 400,
    detail:
      'This sign-in did not start in this browser, was used already, or took longer than 10 minutes. Start it again.',
  },
  'provider-error': {
    status: 502,
    detail:
      'The sign-in provider answered with an error, or with something that did not check out. Try again, or sign in with an e-mail link.',
  },
  'provider-denied': {
    status: 403,
    detail: 'The sign-in was cancelled at the provider. Start it again if you meant to sign in.',
  },
  'provider-unreachable': {
    status: 502,
    detail:
      'The sign-in provider could not be reached. Try again in a minute, or sign in with an e-mail link.',
  },
  'no-verified-email': {
    status: 403,
    detail:
      'Your sign-in provider did not confirm an e-mail address for you. Confirm it there, or sign in with an e-mail link.',
  },
}

/**
 * A sign-in that did not happen: a browser following a link is sent to the sign-in page,
 * which says what happened and what to do; anything else gets problem+json.
 */
function fail(request: FastifyRequest, reply: FastifyReply, failure: Failure) {
  if ((request.headers.accept ?? '').includes('text/html'))
    return reply.redirect(`/signin?error=${failure}`, 302)
  const { status, detail } = FAILURES[failure]
  throw new HttpProblem(status, 'Sign-in failed', detail)
}

const ProviderParam = z.object({ provider: z.enum(['oidc', 'github']) })
const StartQuery = z.object({ returnTo: ReturnTo.optional() })
const LinkQuery = z.object({ token: z.string().max(200).optional() })
const CallbackQuery = z.object({ state: z.string().max(200).optional() }).loose()

/**
 * Signing in and out: e-mail links, OpenID Connect and GitHub, and the refresh cookie
 * (see docs/accounts.md). Every route here is open: who you are is what they establish.
 */
export async function signInRoutes(api: FastifyInstance, services: Services) {
  const { auth, config, log, notifications } = services
  await api.register(cookie)

  /** Opens a device for the account, sets its refresh cookie, and goes on to `returnTo`. */
  async function signedIn(
    request: FastifyRequest,
    reply: FastifyReply,
    account: Account,
    returnTo: string | null,
  ) {
    const { refreshToken } = await auth.devices.open(account.id, request.headers['user-agent'])
    setRefreshCookie(request, reply, services, refreshToken)
    return reply.redirect(returnTo ?? HOME, 302)
  }

  const callbackUrl = (request: FastifyRequest, provider: string) =>
    `${services.publicUrl(request)}/api/auth/${provider}/callback`

  api.get('/auth/providers', openRoute, async () => ({ providers: auth.providers.list() }))

  api.post('/auth/email', openRoute, async (request, reply) => {
    const body = parse(EmailSignInBody, request.body)
    // The link and its mail are stored together: the queue sends it (now, or retried later).
    const issued = await services.db.kysely.transaction().execute(async (trx) => {
      if ((await auth.links.sentRecently(body.email, EMAIL_LINK_TTL_MS, trx)) >= MAILS_PER_ADDRESS)
        return null
      const secret = await auth.links.issue(body.email, body.returnTo, trx)
      const link = `${services.publicUrl(request)}/api/auth/email/callback?token=${secret}`
      const data: KindData['sign-in'] = { link }
      const queued = await notifications.notifier.toAddress(trx, body.email, {
        kind: 'sign-in',
        subject: hashSecret(secret),
        data,
      })
      return { link, queued }
    })
    // Always 202, limited or not, known or not: the answer tells nobody anything.
    if (!issued) {
      log.warn('sign-in mails to one address are being limited')
      return reply.code(202).send({})
    }
    const { link, queued } = issued
    await notifications.sendNow([queued])
    if (!config.accounts.smtpUrl) log.info({ link }, 'sign-in link (no SMTP_URL is set)')
    return reply.code(202).send({})
  })

  api.get('/auth/email/callback', openRoute, async (request, reply) => {
    const { token } = parse(LinkQuery, request.query, 'query')
    if (!token) return fail(request, reply, 'link-invalid')
    const used = await auth.links.consume(token)
    if ('refused' in used) return fail(request, reply, used.refused)
    const account = await auth.accounts.forVerifiedEmail(used.email)
    return signedIn(request, reply, account, used.returnTo)
  })

  api.get('/auth/:provider/start', openRoute, async (request, reply) => {
    const { provider: id } = parse(ProviderParam, request.params, 'path')
    const { returnTo } = parse(StartQuery, request.query, 'query')
    const provider = auth.providers.get(id)
    const pending = {
      state: randomState(),
      nonce: randomNonce(),
      codeVerifier: randomPKCECodeVerifier(),
    }
    let url: URL
    try {
      url = await provider.authorizationUrl(callbackUrl(request, id), pending)
    } catch (error) {
      if (error instanceof ProviderError) return fail(request, reply, error.code)
      throw error
    }
    const now = Date.now()
    // Sign-ins started and never finished go as the next one starts, so they do not pile up.
    await services.db.kysely.deleteFrom('auth_requests').where('expires_at', '<=', now).execute()
    await services.db.kysely
      .insertInto('auth_requests')
      .values({
        state: pending.state,
        provider: id,
        code_verifier: pending.codeVerifier,
        nonce: pending.nonce,
        return_to: returnTo ?? null,
        created_at: now,
        expires_at: now + PROVIDER_TTL_MS,
      })
      .execute()
    setSignInCookie(request, reply, services, pending.state, PROVIDER_TTL_MS)
    return reply.redirect(url.toString(), 302)
  })

  api.get('/auth/:provider/callback', openRoute, async (request, reply) => {
    const { provider: id } = parse(ProviderParam, request.params, 'path')
    const provider = auth.providers.get(id)
    const { state } = parse(CallbackQuery, request.query, 'query')
    // The state must be the one this browser started with, not only one the server knows.
    const started = takeSignInCookie(request, reply, services)
    if (!state || state !== started) return fail(request, reply, 'state-mismatch')
    // Used once: taken out as it is read.
    const pending = await services.db.kysely
      .deleteFrom('auth_requests')
      .where('state', '=', state)
      .where('provider', '=', id)
      .returning(['state', 'nonce', 'code_verifier', 'return_to', 'expires_at'])
      .executeTakeFirst()
    if (!pending || Number(pending.expires_at) <= Date.now())
      return fail(request, reply, 'state-mismatch')
    const here = new URL(request.url, services.publicUrl(request))
    let profile: Awaited<ReturnType<typeof provider.profile>>
    try {
      profile = await provider.profile(here, callbackUrl(request, id), {
        state: pending.state,
        nonce: pending.nonce,
        codeVerifier: pending.code_verifier,
      })
    } catch (error) {
      if (error instanceof ProviderError) {
        log.warn({ provider: id, reason: error.message }, 'a provider sign-in failed')
        return fail(request, reply, error.code)
      }
      throw error
    }
    if (!profile.email || !profile.emailVerified) return fail(request, reply, 'no-verified-email')
    const account = await auth.accounts.forProfile(profile)
    return signedIn(request, reply, account, pending.return_to)
  })

  api.post('/auth/refresh', openRoute, async (request, reply) => {
    const token = refreshCookie(request)
    if (!token) {
      throw HttpProblem.unauthorized('You are not signed in on this device. Sign in first.')
    }
    const rotation = await auth.devices.rotate(token)
    if (rotation.kind === 'unknown') {
      clearRefreshCookie(request, reply, services)
      throw HttpProblem.unauthorized(
        'Your sign-in on this device has ended (signed out, expired, or the account was deleted). Sign in again.',
      )
    }
    if (rotation.kind === 'replayed') {
      await signOutDevice(auth, services.withdrawals, rotation.deviceId, 'replayed')
      clearRefreshCookie(request, reply, services)
      log.warn({ deviceId: rotation.deviceId }, 'a used refresh token came back: device signed out')
      throw HttpProblem.unauthorized(
        'This sign-in was used from somewhere else too, so this device was signed out to keep your account safe. Sign in again.',
      )
    }
    const account = await auth.accounts.byId(rotation.accountId)
    if (!account) {
      clearRefreshCookie(request, reply, services)
      throw HttpProblem.unauthorized('This account no longer exists. Sign in to make a new one.')
    }
    setRefreshCookie(request, reply, services, rotation.refreshToken)
    return {
      ...(await accountToken(config.tokenSecret, account.id, rotation.deviceId)),
      account,
    }
  })

  api.post('/auth/logout', openRoute, async (request, reply) => {
    const token = refreshCookie(request)
    const deviceId = token ? await auth.devices.deviceOf(token) : undefined
    if (deviceId) await signOutDevice(auth, services.withdrawals, deviceId, 'signed-out')
    clearRefreshCookie(request, reply, services)
    return reply.code(204).send()
  })
}
