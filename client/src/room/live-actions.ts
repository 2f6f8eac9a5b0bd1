import type { ReactionId, ReactionRefused } from '@podium/shared'
import { type Accessor, createContext, useContext } from 'solid-js'
import type * as Y from 'yjs'

/**
 * What the room's reaction bar and hand button need beyond the documents the room model
 * reads: sending a reaction (no document: a message the server counts) and its refusals,
 * and the raw public and outbox documents whose maps they watch.
 */
export interface LiveActions {
  react(reaction: ReactionId): boolean
  reactionRefused: Accessor<ReactionRefused | null>
  publicDoc: Y.Doc
  outboxDoc: Y.Doc
}

export const LiveActionsContext = createContext<LiveActions>()

export function useLiveActions(): LiveActions {
  const actions = useContext(LiveActionsContext)
  if (!actions) throw new Error('useLiveActions() outside a LiveActionsContext provider')
  return actions
}
