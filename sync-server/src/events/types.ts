/**
 * What happened in a session, as the ingest decided it: the seam that analytics,
 * notifications and billing subscribe to instead of reading the ingest's tick. Each event
 * is written in the same database transaction as the decision it reports, so it exists
 * exactly when the decision does.
 */
export const EventType = {
  questionAsked: 'question.asked',
  questionPublished: 'question.published',
  questionRejected: 'question.rejected',
  questionAnswered: 'question.answered',
  voteCounted: 'vote.counted',
  replyPosted: 'reply.posted',
  participantJoined: 'participant.joined',
  participantLeft: 'participant.left',
  sessionStatusChanged: 'session.status-changed',
  reactionsCounted: 'reactions.counted',
  handRaised: 'hand.raised',
  handLowered: 'hand.lowered',
  handCalled: 'hand.called',
  pollAnswered: 'poll.answered',
  questionWithdrawn: 'question.withdrawn',
  videoQuality: 'video.quality',
  viewOpened: 'view.opened',
} as const
export type EventType = (typeof EventType)[keyof typeof EventType]

/** `by`: the staff member who did it; null where the ingest did it by its rules. */
export type EventData =
  | { type: 'question.asked'; questionId: string; authorId: string; queued: boolean }
  | { type: 'question.published'; questionId: string; authorId: string; by: string | null }
  | {
      type: 'question.rejected'
      questionId: string
      authorId: string
      reason: string
      by: string | null
    }
  | { type: 'question.answered'; questionId: string; by: string | null }
  | { type: 'vote.counted'; questionId: string; userId: string; up: boolean }
  /** A reply is posted when it is shown: at once, or when a moderator approves it. */
  | {
      type: 'reply.posted'
      replyId: string
      questionId: string
      authorId: string
      by: string | null
    }
  /** `device`: phone, tablet, desktop or unknown (from the connection; absent in older events). */
  | {
      type: 'participant.joined'
      userId: string
      device?: 'phone' | 'tablet' | 'desktop' | 'unknown'
    }
  | { type: 'participant.left'; userId: string }
  | { type: 'session.status-changed'; status: string; by: string | null }
  /** One window's reactions on one instance, counted per reaction (never per person). */
  | { type: 'reactions.counted'; second: number; counts: Record<string, number>; total: number }
  | { type: 'hand.raised'; userId: string }
  /** `by`: the staff member who lowered it; null when its owner did. */
  | { type: 'hand.lowered'; userId: string; by: string | null }
  | { type: 'hand.called'; userId: string; by: string; toStage: boolean }
  /** An answer counted: a first one, or a changed one (`changed`); a repeat emits nothing. */
  | { type: 'poll.answered'; pollId: string; userId: string; kind: string; changed: boolean }
  /** Its author took a question back: from the moderation queue (`queued`) or the room. */
  | { type: 'question.withdrawn'; questionId: string; authorId: string; queued: boolean }
  /** A viewer's video over about a minute, as their browser measured it (means). */
  | {
      type: 'video.quality'
      userId: string
      feed: 'camera' | 'screen'
      rttMs: number | null
      lossPct: number | null
      jitterMs: number | null
      bitrateKbps: number | null
      fps: number | null
    }
  /**
   * Someone's browser opened the room or the projector: the server saw their
   * authenticated connection to the public document (at most one a view a minute).
   */
  | { type: 'view.opened'; userId: string; view: 'room' | 'projector' }

/** An event as a step of the ingest makes it, before it is stored. */
export type EventDraft = EventData & { sessionId: string; at: number }

/** An event as stored: `seq` orders every event of the instance's database. */
export type DomainEvent = EventDraft & { seq: number }
