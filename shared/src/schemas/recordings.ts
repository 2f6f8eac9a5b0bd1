import { z } from 'zod'

/** A stage recording's life: Janus records, ffmpeg post-processes, then it is ready or failed. */
export const RecordingStatus = {
  recording: 'recording',
  processing: 'processing',
  ready: 'ready',
  failed: 'failed',
} as const
export type RecordingStatus = (typeof RecordingStatus)[keyof typeof RecordingStatus]

/** One recording as GET /api/sessions/:id/recordings lists it. */
export const RecordingInfo = z.object({
  id: z.string(),
  sessionId: z.string(),
  status: z.enum(['recording', 'processing', 'ready', 'failed']),
  startedAt: z.number(),
  stoppedAt: z.number().nullable(),
  durationMs: z.number().nullable(),
  sizeBytes: z.number().nullable(),
  /** Why post-processing failed; null otherwise. */
  error: z.string().nullable(),
  /** A signed link to the file (streams with Range; valid for a few hours); null until ready. */
  url: z.string().nullable(),
})
export type RecordingInfo = z.infer<typeof RecordingInfo>

export const RecordingsResponse = z.object({
  recordings: z.array(RecordingInfo),
  /** Days a recording is kept before it is deleted (RECORDING_RETENTION_DAYS). */
  retentionDays: z.number().int().positive(),
})
export type RecordingsResponse = z.infer<typeof RecordingsResponse>
