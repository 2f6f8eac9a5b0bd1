import type {
  beforeHandleAwarenessPayload,
  Extension,
  onAuthenticatePayload,
  onStatelessPayload,
} from '@hocuspocus/server'
import {
  ACCESS_REVOKED,
  Access,
  ATTENDEE_STATELESS_TYPES,
  accessFor,
  CloseCode,
  isOpenedView,
  isStaff,
  parseDocumentName,
  SIGNED_OUT,
  statelessType,
} from '@podium/shared'
import { TokenError } from '@podium/shared/token'
import type { ConnectionContext } from '../sync/context.ts'
import { isConnectionContext } from '../sync/context.ts'
import type { UnloadGuard } from '../sync/unload-guard.ts'
import { deviceClass } from './device-label.ts'
import type { Devices } from './devices.ts'
import type { StandingDirectory } from './standing.ts'
import { VerifiedTokens } from './verified-tokens.ts'

/** A refusal Hocuspocus sends to the client as permission-denied with this reason. */
function refuse(code: number, reason: string): { code: number; reason: string } {
  return { code, reason }
}

/**
 * Auth: token → principal → access for the requested document (shared/permissions).
 * Read access marks the connection read-only; no access refuses it.
 * Awareness is rewritten to the authenticated identity; attendees get no awareness
 * on shared documents and may send no stateless message but a reaction on the public one.
 */
export class Auth implements Extension {
  priority = 1000
  extensionName = 'podium-auth'

  private readonly tokens: VerifiedTokens

  constructor(
    secret: string,
    private readonly standing: StandingDirectory,
    private readonly guard: UnloadGuard,
    private readonly devices: Pick<Devices, 'signedIn'>,
  ) {
    this.tokens = new VerifiedTokens(secret)
  }

  async onAuthenticate(data: onAuthenticatePayload): Promise<ConnectionContext> {
    const address = parseDocumentName(data.documentName)
    if (!address) throw refuse(CloseCode.notFound, 'unknown-document')
    let claims: Awaited<ReturnType<VerifiedTokens['verify']>>
    try {
      claims = await this.tokens.verify(data.token)
    } catch (error) {
      const reason =
        error instanceof TokenError && error.code === 'expired' ? 'token-expired' : 'token-invalid'
      throw refuse(CloseCode.unauthorized, reason)
    }
    const principal = {
      userId: claims.sub,
      sessionId: claims.sid,
      role: claims.role,
      name: claims.name,
      ...(claims.dev ? { deviceId: claims.dev } : {}),
    }
    const access = accessFor(principal, data.documentName)
    if (access === Access.none) throw refuse(CloseCode.forbidden, 'forbidden')
    const standing = await this.standing.of(principal)
    if (standing === 'unknown-session') throw refuse(CloseCode.notFound, 'session-not-found')
    if (standing === 'revoked') throw refuse(CloseCode.forbidden, ACCESS_REVOKED)
    if (claims.dev && !(await this.devices.signedIn(claims.dev)))
      throw refuse(CloseCode.unauthorized, SIGNED_OUT)
    data.connectionConfig.readOnly = access === Access.read
    this.guard.arrive(data.documentName, data.socketId)
    const device = deviceClass(userAgentOf(data.requestHeaders))
    // Which page opened the socket: analytics counts openings of the room and projector.
    const view = data.requestParameters.get('view')
    if (view !== null && !isOpenedView(view)) throw refuse(CloseCode.badFrame, 'unknown-view')
    return { principal, access, address, device, ...(view !== null ? { view } : {}) }
  }

  async beforeHandleAwareness(data: beforeHandleAwarenessPayload): Promise<void> {
    const context = data.context
    if (!isConnectionContext(context)) return
    const { principal, address } = context
    const attendeeOnShared = !isStaff(principal.role) && address.kind !== 'outbox'
    for (const [clientId, state] of data.states) {
      if (attendeeOnShared) {
        data.states.delete(clientId)
        continue
      }
      // Whatever the client claims, peers see who the token says it is.
      state.user = { id: principal.userId, name: principal.name, role: principal.role }
    }
  }

  async onStateless(data: onStatelessPayload): Promise<void> {
    const context = data.connection.context
    if (!isConnectionContext(context)) throw refuse(CloseCode.forbidden, 'stateless-not-allowed')
    if (isStaff(context.principal.role)) return
    // An attendee may send a reaction on the public document, and nothing else.
    const type = statelessType(data.payload)
    const allowed = type !== null && ATTENDEE_STATELESS_TYPES.includes(type)
    if (!allowed || context.address.kind !== 'public')
      throw refuse(CloseCode.forbidden, 'stateless-not-allowed')
  }
}

/** The user agent a connection came with: Headers, or Node's header object on a socket. */
function userAgentOf(headers: unknown): string | undefined {
  if (headers && typeof (headers as Headers).get === 'function')
    return (headers as Headers).get('user-agent') ?? undefined
  const value = (headers as Record<string, unknown> | undefined)?.['user-agent']
  return typeof value === 'string' ? value : undefined
}
