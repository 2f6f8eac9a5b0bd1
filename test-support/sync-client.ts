// A real client as the browser has it (one multiplexed socket, a provider per document),
// for the tests of every package and the benchmarks that drive the sync endpoint.
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider'
import { documentName, ModDoc, OutboxDoc, PublicDoc } from '@podium/shared'
import WebSocket from 'ws'
import * as Y from 'yjs'

/**
 * ws, with a listener for 'error': a socket closed while it connects (a reconnect cut short
 * by a dying server) emits one, which would otherwise end the process. The provider still
 * sees the close that follows and reconnects.
 */
class ListenedWebSocket extends WebSocket {
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args)
    this.on('error', () => {})
  }
}

export class TestClient {
  readonly socket: HocuspocusProviderWebsocket
  readonly providers = new Map<string, HocuspocusProvider>()

  constructor(
    syncUrl: string,
    readonly identity: { sessionId: string; userId: string; token: string },
    docs: { public?: Y.Doc; mod?: Y.Doc; outbox?: Y.Doc } = {},
    withMod = false,
    /** The User-Agent the socket is opened with, as a browser's would be (default: none). */
    userAgent?: string,
  ) {
    const headers = userAgent ? { 'user-agent': userAgent } : undefined
    this.socket = new HocuspocusProviderWebsocket({
      url: syncUrl,
      WebSocketPolyfill: headers
        ? class extends ListenedWebSocket {
            constructor(address: string | URL, protocols?: string | string[]) {
              super(address, protocols, { headers })
            }
          }
        : ListenedWebSocket,
      delay: 50,
      minDelay: 50,
      maxDelay: 500,
    })
    this.open(documentName.public(identity.sessionId), docs.public)
    this.open(documentName.outbox(identity.sessionId, identity.userId), docs.outbox)
    if (withMod) this.open(documentName.mod(identity.sessionId), docs.mod)
  }

  private open(name: string, document = new Y.Doc()): HocuspocusProvider {
    const provider = new HocuspocusProvider({
      websocketProvider: this.socket,
      name,
      document,
      token: this.identity.token,
    })
    provider.attach()
    this.providers.set(name, provider)
    return provider
  }

  provider(kind: 'public' | 'mod' | 'outbox'): HocuspocusProvider {
    const { sessionId, userId } = this.identity
    const name =
      kind === 'public'
        ? documentName.public(sessionId)
        : kind === 'mod'
          ? documentName.mod(sessionId)
          : documentName.outbox(sessionId, userId)
    const provider = this.providers.get(name)
    if (!provider) throw new Error(`no ${kind} provider`)
    return provider
  }

  get public(): PublicDoc {
    return new PublicDoc(this.provider('public').document)
  }
  get mod(): ModDoc {
    return new ModDoc(this.provider('mod').document)
  }
  get outbox(): OutboxDoc {
    return new OutboxDoc(this.provider('outbox').document)
  }

  async synced(timeoutMs = 20_000): Promise<void> {
    await Promise.all(
      [...this.providers.values()].map((p) =>
        waitFor(() => p.isSynced, timeoutMs, `${p.configuration.name} synced`),
      ),
    )
  }

  destroy(): void {
    for (const p of this.providers.values()) p.destroy()
    this.socket.destroy()
  }
}

/** Polls `check` until it is true, or fails after `timeoutMs` naming what it waited for. */
export async function waitFor(
  check: () => boolean,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}
