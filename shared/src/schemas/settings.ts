import { z } from 'zod'
import { Limits } from './limits.ts'

export const SessionSettings = z.object({
  /** Questions and replies wait in the moderators' queue until approved. */
  preModeration: z.boolean(),
  /** Attendees may post without their name. */
  anonymousQuestions: z.boolean(),
  /** Attendees may ask, reply and vote. */
  qaOpen: z.boolean(),
  maxQuestionLength: z.number().int().min(20).max(Limits.questionLengthCeiling),
})
export type SessionSettings = z.infer<typeof SessionSettings>

export const DEFAULT_SETTINGS: SessionSettings = {
  preModeration: false,
  anonymousQuestions: true,
  qaOpen: true,
  maxQuestionLength: Limits.defaultQuestionLength,
}

export const SessionStatus = { draft: 'draft', live: 'live', ended: 'ended' } as const
export type SessionStatus = (typeof SessionStatus)[keyof typeof SessionStatus]
export const SessionStatusSchema = z.enum(['draft', 'live', 'ended'])
