import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join as joinPath } from 'node:path'
import {
  documentName,
  ModDoc,
  OutboxDoc,
  PublicDoc,
  type Question,
  type Reply,
  voteEntryId,
} from '@podium/shared'
import * as Y from 'yjs'
import { startPodium, type TestPodium } from '../../../test-support/podium.ts'
import { acceptedInvite, createSession, join, TestClient, waitFor } from './clients.ts'
import type { Random } from './prng.ts'

export type Role = 'attendee' | 'moderator'

/** One person in the room: their documents outlive their connections, as IndexedDB would keep them. */
export interface Actor {
  name: string
  role: Role
  identity: { sessionId: string; userId: string; token: string }
  docs: { public: Y.Doc; outbox: Y.Doc; mod: Y.Doc }
  client: TestClient | null
  /** Posts (asks, edits, replies) written, to stay inside the per-user post allowance. */
  posts: number
}

/** A session with attendees and two moderators (the host and an invited moderator). */
export class World {
  readonly actors: Actor[] = []
  sessionId = ''

  private constructor(
    public server: TestPodium,
    private readonly dataDir: string,
  ) {}

  static async open(attendees: number, preModeration: boolean): Promise<World> {
    // A data folder of our own: the server helper removes the folders it made when it closes.
    const dataDir = mkdtempSync(joinPath(tmpdir(), 'podium-convergence-'))
    const world = new World(await startPodium({}, { dataDir }), dataDir)
    const session = await createSession(world.server.url, {
      title: 'Convergence',
      settings: { preModeration, maxQuestionLength: 120 },
    })
    world.sessionId = session.id
    const actor = (name: string, role: Role, identity: Actor['identity']): Actor => ({
      name,
      role,
      identity,
      docs: { public: new Y.Doc(), outbox: new Y.Doc(), mod: new Y.Doc() },
      client: null,
      posts: 0,
    })
    world.actors.push(
      actor('host', 'moderator', {
        sessionId: session.id,
        userId: session.hostUserId,
        token: session.hostToken,
      }),
    )
    const moderator = await acceptedInvite(world.server.url, session, 'moderator', 'Mod')
    world.actors.push(actor('mod', 'moderator', moderator))
    for (let i = 0; i < attendees; i++) {
      world.actors.push(
        actor(`attendee${i}`, 'attendee', await join(world.server.url, session.code, `A${i}`)),
      )
    }
    for (const a of world.actors) world.connect(a)
    await Promise.all(world.actors.map((a) => a.client!.synced()))
    return world
  }

  get attendees(): Actor[] {
    return this.actors.filter((a) => a.role === 'attendee')
  }
  get moderators(): Actor[] {
    return this.actors.filter((a) => a.role === 'moderator')
  }

  connect(actor: Actor): void {
    if (actor.client) return
    actor.client = new TestClient(
      this.server.syncUrl,
      actor.identity,
      actor.role === 'moderator'
        ? actor.docs
        : { public: actor.docs.public, outbox: actor.docs.outbox },
      actor.role === 'moderator',
    )
  }

  disconnect(actor: Actor): void {
    // ws (unlike a browser) throws when a socket still connecting is closed with no error listener.
    actor.client?.socket.webSocket?.addEventListener('error', () => {})
    actor.client?.destroy()
    actor.client = null
  }

  /** Stops the server and starts it again on the same port and data; clients reconnect by themselves. */
  async restart(): Promise<void> {
    const port = new URL(this.server.url).port
    await this.server.close()
    this.server = await startPodium({ PORT: port }, { dataDir: this.dataDir })
  }

  async close(): Promise<void> {
    for (const a of this.actors) this.disconnect(a)
    await this.server.close()
    rmSync(this.dataDir, { recursive: true, force: true })
  }

  // What the server holds ---------------------------------------------------

  serverDoc(name: string): Y.Doc {
    const doc = this.server.podium.services.hocuspocus.documents.get(name)
    if (!doc) throw new Error(`${name} is not loaded on the server`)
    return doc
  }
  get serverPublic(): PublicDoc {
    return new PublicDoc(this.serverDoc(documentName.public(this.sessionId)))
  }
  get serverMod(): ModDoc {
    return new ModDoc(this.serverDoc(documentName.mod(this.sessionId)))
  }

  /**
   * Waits until nothing is in flight: everyone connected and synced, every outbox entry
   * receipted for its latest version, every moderation decision carried out, and every
   * replica equal to the server's copy. With `reconnect: false`, those offline stay so and
   * only the others are waited for.
   */
  async quiesce(options: { reconnect?: boolean; timeoutMs?: number } = {}): Promise<void> {
    const { reconnect = true, timeoutMs = 20_000 } = options
    if (reconnect) for (const a of this.actors) this.connect(a)
    const online = () => this.actors.filter((a) => a.client !== null)
    const outboxesDone = () =>
      online().every(
        (a) =>
          a.client !== null &&
          [...a.client.providers.values()].every((p) => p.isSynced && !p.hasUnsyncedChanges) &&
          new OutboxDoc(a.docs.outbox).unsynced().length === 0,
      )
    await waitFor(outboxesDone, timeoutMs, 'every outbox receipted').catch((error) => {
      throw new Error(`${(error as Error).message}: ${JSON.stringify(this.pending())}`)
    })
    const modName = documentName.mod(this.sessionId)
    await waitFor(
      () => !this.isLoaded(modName) || this.serverMod.queue().every((i) => i.decision === null),
      timeoutMs,
      'moderation decisions carried out',
    )
    await this.server.podium.ingest.flush()
    await waitFor(() => this.differences(online()).length === 0, timeoutMs, 'replicas equal').catch(
      (error) => {
        throw new Error(`${(error as Error).message}: ${this.differences(online()).join('; ')}`)
      },
    )
  }

  private isLoaded(name: string): boolean {
    return this.server.podium.services.hocuspocus.documents.has(name)
  }

  /** Who is not yet in step, and with what (for failure messages). */
  pending(): unknown[] {
    return this.actors.flatMap((a) => {
      const providers = a.client ? [...a.client.providers.values()] : []
      const unsynced = new OutboxDoc(a.docs.outbox).unsynced()
      const outbox = new OutboxDoc(a.docs.outbox)
      if (providers.every((p) => p.isSynced && !p.hasUnsyncedChanges) && unsynced.length === 0)
        return []
      return [
        {
          actor: a.name,
          providers: providers.map((p) => [
            p.configuration.name.slice(-6),
            p.isSynced,
            p.unsyncedChanges,
          ]),
          unsynced: unsynced.map((e) => ({ ...e, receipt: outbox.receipt(e.id) })),
        },
      ]
    })
  }

  /** Every way a replica differs from the server's copy (state vector or content). */
  differences(actors: Actor[] = this.actors): string[] {
    const out: string[] = []
    const publicName = documentName.public(this.sessionId)
    const modName = documentName.mod(this.sessionId)
    const modLoaded = this.isLoaded(modName)
    const server = {
      public: canonicalPublic(this.serverDoc(publicName)),
      publicSv: stateVector(this.serverDoc(publicName)),
      mod: modLoaded ? canonicalMod(this.serverDoc(modName)) : '',
      modSv: modLoaded ? stateVector(this.serverDoc(modName)) : '',
    }
    for (const a of actors) {
      if (stateVector(a.docs.public) !== server.publicSv) out.push(`${a.name}: public state vector`)
      if (canonicalPublic(a.docs.public) !== server.public) out.push(`${a.name}: public content`)
      const outboxName = documentName.outbox(this.sessionId, a.identity.userId)
      const serverOutbox = this.server.podium.services.hocuspocus.documents.get(outboxName)
      if (!serverOutbox || stateVector(serverOutbox) !== stateVector(a.docs.outbox))
        out.push(`${a.name}: outbox`)
      if (a.role === 'moderator') {
        if (stateVector(a.docs.mod) !== server.modSv) out.push(`${a.name}: mod state vector`)
        if (canonicalMod(a.docs.mod) !== server.mod) out.push(`${a.name}: mod content`)
      }
    }
    return out
  }
}

function stateVector(doc: Y.Doc): string {
  return JSON.stringify(
    [...Y.decodeStateVector(Y.encodeStateVector(doc))].sort((a, b) => a[0] - b[0]),
  )
}

/** JSON with object keys sorted: Y.Map iteration order differs between replicas. */
function stable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  )
}

const byId = <T extends { id: string }>(list: T[]) =>
  [...list].sort((a, b) => a.id.localeCompare(b.id))

/** The public snapshot with lists in a fixed order (map iteration order differs between replicas). */
export function canonicalPublic(doc: Y.Doc): string {
  const s = new PublicDoc(doc).snapshot()
  return stable({
    ...s,
    questions: byId<Question>(s.questions),
    replies: byId<Reply>(s.replies),
  })
}

function canonicalMod(doc: Y.Doc): string {
  const m = new ModDoc(doc)
  return stable({
    queue: byId(m.queue()),
    rejected: byId(m.rejected()),
    notes: m.notes(),
  })
}

/** The vote entry an attendee holds for a question, if any. */
export function voteOf(actor: Actor, questionId: string) {
  const entry = new OutboxDoc(actor.docs.outbox).entry(voteEntryId(questionId))
  return entry?.type === 'vote' ? entry : undefined
}

/** A random text of a few words (short enough for maxQuestionLength 120). */
export function words(random: Random, n: number): string {
  const pool = [
    'local',
    'first',
    'sync',
    'vote',
    'agenda',
    'stage',
    'offline',
    'merge',
    'why',
    'how',
  ]
  return Array.from({ length: n }, () => random.pick(pool)).join(' ')
}
