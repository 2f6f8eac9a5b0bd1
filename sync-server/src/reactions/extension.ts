import type { Extension, Hocuspocus, onStatelessPayload } from '@hocuspocus/server'
import {
  PublicDoc,
  REACTION_REFUSALS,
  ReactionIdSchema,
  ReactionMessage,
  ReactionRefusal,
  type ReactionRefused,
  statelessType,
} from '@podium/shared'
import type { Logger } from 'pino'
import type { Db } from '../db/connect.ts'
import type { EventLog } from '../events/log.ts'
import { isConnectionContext } from '../sync/context.ts'
import { SessionReactions } from './publisher.ts'
import { ReactionRates } from './rates.ts'
import { ReactionRepository } from './repository.ts'

export interface ReactionsOptions {
  db: Db
  eventLog: EventLog
  events: { committed(): void }
  instanceId: string
  log: Logger
  clock: () => number
}

/** What became of one reaction message (the tests and metrics read it). */
export type ReactionOutcome = 'counted' | ReactionRefusal | 'ignored'

/**
 * Reactions: the one stateless message an attendee may send (Auth lets `reaction` through
 * on the public document). Each is checked (a known reaction, the session not ended, the
 * sender's allowance) and counted in memory; SessionReactions publishes the counts once a
 * window. A refused reaction is answered on that connection only, at most once a second.
 */
export class Reactions implements Extension {
  priority = 700
  extensionName = 'podium-reactions'
  private readonly sessions = new Map<string, SessionReactions>()
  private readonly rates: ReactionRates
  private readonly repo: ReactionRepository
  /** When each user (session and user) was last told of a refusal. */
  private readonly told = new Map<string, number>()
  private hocuspocus: Hocuspocus | null = null

  constructor(private readonly options: ReactionsOptions) {
    this.rates = new ReactionRates(50_000, options.clock)
    this.repo = new ReactionRepository(options.db, options.eventLog)
  }

  attach(hocuspocus: Hocuspocus): void {
    this.hocuspocus = hocuspocus
  }

  get repository(): ReactionRepository {
    return this.repo
  }

  async onStateless(data: onStatelessPayload): Promise<void> {
    const context = data.connection.context
    if (!isConnectionContext(context) || context.address.kind !== 'public') return
    if (statelessType(data.payload) !== 'reaction') return
    const { sessionId, userId } = context.principal
    const outcome = this.receive(sessionId, userId, data.payload, new PublicDoc(data.document))
    if (outcome === 'counted' || outcome === 'ignored') return
    const key = `${sessionId}\u0000${userId}`
    const now = this.options.clock()
    if (now - (this.told.get(key) ?? Number.NEGATIVE_INFINITY) < 1_000) return
    this.told.delete(key)
    this.told.set(key, now)
    for (const [k, at] of this.told) {
      if (this.told.size <= 10_000 && now - at < 1_000) break
      this.told.delete(k)
    }
    const refused: ReactionRefused = {
      type: 'reaction-refused',
      reason: outcome,
      message: REACTION_REFUSALS[outcome],
    }
    data.connection.sendStateless(JSON.stringify(refused))
  }

  /** Decides one reaction message of `userId` and counts it when it passes. */
  receive(sessionId: string, userId: string, payload: string, pub: PublicDoc): ReactionOutcome {
    let message: ReactionMessage
    try {
      const parsed = ReactionMessage.safeParse(JSON.parse(payload))
      if (!parsed.success) return ReactionRefusal.unknown
      message = parsed.data
    } catch {
      return 'ignored'
    }
    const reaction = ReactionIdSchema.safeParse(message.reaction)
    if (!reaction.success) return ReactionRefusal.unknown
    if (pub.meta().status === 'ended') return ReactionRefusal.sessionEnded
    if (!this.rates.allow(`${sessionId}\u0000${userId}`)) return ReactionRefusal.rateLimited
    this.session(sessionId).add(reaction.data, this.options.clock())
    return 'counted'
  }

  private session(sessionId: string): SessionReactions {
    let session = this.sessions.get(sessionId)
    if (!session) {
      if (!this.hocuspocus) throw new Error('Reactions used before attach()')
      session = new SessionReactions(sessionId, {
        hocuspocus: this.hocuspocus,
        repo: this.repo,
        instanceId: this.options.instanceId,
        log: this.options.log,
        clock: this.options.clock,
        events: this.options.events,
        idle: (id) => {
          if (this.sessions.get(id) === session) this.sessions.delete(id)
        },
      })
      this.sessions.set(sessionId, session)
    }
    return session
  }

  /** Publishes every closed window of every session now (tests). */
  async flush(): Promise<void> {
    for (const session of [...this.sessions.values()]) await session.flush()
  }

  async stop(): Promise<void> {
    for (const session of this.sessions.values()) await session.stop()
    this.sessions.clear()
  }
}
