import { randomBytes } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { documentName, RecordingDoc, type RecordingInfo, RecordingStatus } from '@podium/shared'
import { HttpProblem } from '@podium/shared/server'
import { RecorderRefusal, RecorderRefusalCode, type StageRecorder } from '@podium/signal-server'
import type { Services } from '../services.ts'
import { sessionStatus } from '../signaling/session-status.ts'
import { recordingFolder, removeFolder } from './files.ts'
import { signedQuery } from './links.ts'
import { DEFAULT_TOOLS, ProcessingError, postProcess, type Tools } from './process.ts'
import { type RecordingRow, RecordingStore } from './store.ts'

export interface RecordingsOptions {
  services: Pick<Services, 'db' | 'docs' | 'config' | 'log' | 'clock'>
  recorder: StageRecorder
  /**
   * Whether this process holds the Janus rooms (signaling mounted here, no
   * SFU_RECORDER_URL): then a recording it finds running at start ended with its last run.
   * Otherwise the rooms, and the recordings, live on in the signal-server.
   */
  holdsRooms: boolean
  /** The post-processing binaries (tests may point at others). */
  tools?: Tools
}

/**
 * A recording left `processing` this long by another instance is taken over at start
 * (that instance went away mid-way); a younger one is still being processed there.
 */
export const STALE_PROCESSING_MS = 15 * 60_000

/**
 * The host's stage recordings: starting and stopping Janus's recording of the session's
 * room, the flag in the public document that tells every room screen, post-processing
 * off the request path (one recording at a time: ffmpeg shares the machine with the
 * stage), and the rows and files. Status: recording → processing → ready | failed.
 */
export class Recordings {
  readonly store: RecordingStore
  private readonly starting = new Set<string>()
  private queue: Promise<void> = Promise.resolve()
  private pending = 0
  private closed = false

  constructor(private readonly options: RecordingsOptions) {
    this.store = new RecordingStore(options.services.db)
  }

  private get dir() {
    return this.options.services.config.recordings.dir
  }

  /**
   * Picks up what a restart interrupted. Recordings left running end here when this
   * process held their rooms (Janus's rooms went with it, so their files are final);
   * recordings left processing are taken over (at once when this process holds the rooms,
   * after STALE_PROCESSING_MS otherwise), each by one instance only: the one whose
   * update of `stopped_at` from the value it read goes through.
   */
  async resume(): Promise<void> {
    const { clock } = this.options.services
    const { holdsRooms } = this.options
    const ended = new Set<string>()
    if (holdsRooms)
      for (const row of await this.store.withStatus(RecordingStatus.recording)) {
        await this.store.stopped(row.id, clock())
        await this.flag(row.session_id, false)
        ended.add(row.id)
        this.process(row)
      }
    const staleBefore = holdsRooms ? Number.POSITIVE_INFINITY : clock() - STALE_PROCESSING_MS
    for (const row of await this.store.withStatus(RecordingStatus.processing)) {
      const stoppedAt = Number(row.stopped_at ?? 0)
      if (ended.has(row.id) || stoppedAt > staleBefore) continue
      if (await this.store.claim(row.id, row.stopped_at, clock())) this.process(row)
    }
  }

  async start(sessionId: string): Promise<RecordingRow> {
    const { services, recorder } = this.options
    if (this.starting.has(sessionId) || (await this.store.active(sessionId)))
      throw HttpProblem.conflict('The stage is already being recorded; stop that recording first.')
    const status = await sessionStatus(services, sessionId)
    if (status !== 'live')
      throw HttpProblem.conflict('The stage can be recorded only while the session is live.')
    this.starting.add(sessionId)
    try {
      const id = `rec${randomBytes(9).toString('base64url')}`
      const folder = recordingFolder(this.dir, sessionId, id)
      await mkdir(folder, { recursive: true })
      try {
        await recorder.start(sessionId, folder)
      } catch (error) {
        await removeFolder(folder)
        throw refusalProblem(error)
      }
      const startedAt = services.clock()
      await this.store.insert({ id, sessionId, startedAt })
      await this.flag(sessionId, true, startedAt)
      services.log.info({ sessionId, recordingId: id }, 'stage recording started')
      return (await this.store.get(sessionId, id)) as RecordingRow
    } finally {
      this.starting.delete(sessionId)
    }
  }

  async stop(sessionId: string): Promise<RecordingRow> {
    const { services, recorder } = this.options
    const active = await this.store.active(sessionId)
    if (!active) throw HttpProblem.conflict('Nothing is being recorded in this session.')
    await recorder.stop(sessionId).catch((error: unknown) => {
      // Janus or its room went away: its files were closed with it.
      services.log.warn({ err: error, sessionId }, 'stopping the recording on Janus failed')
    })
    await this.store.stopped(active.id, services.clock())
    await this.flag(sessionId, false)
    this.process(active)
    return (await this.store.get(sessionId, active.id)) as RecordingRow
  }

  /** Stops the session's recording if one runs (the session ended). */
  async stopIfRecording(sessionId: string): Promise<void> {
    if (await this.store.active(sessionId)) await this.stop(sessionId)
  }

  /** Deletes a finished recording and its file. */
  async remove(sessionId: string, id: string): Promise<void> {
    const row = await this.store.get(sessionId, id)
    if (!row) throw HttpProblem.notFound(`There is no recording ${id} in this session.`)
    if (row.status === RecordingStatus.recording)
      throw HttpProblem.conflict('This recording is still running; stop it before deleting it.')
    await this.store.delete(id)
    await removeFolder(recordingFolder(this.dir, sessionId, id))
  }

  /** Deletes recordings that started more than `days` ago, with their files. */
  async sweep(days: number): Promise<number> {
    const before = this.options.services.clock() - days * 86_400_000
    const old = await this.store.olderThan(before)
    for (const row of old) {
      await this.store.delete(row.id)
      await removeFolder(recordingFolder(this.dir, row.session_id, row.id))
    }
    return old.length
  }

  info(row: RecordingRow, base: string): RecordingInfo {
    const { config, clock } = this.options.services
    const ready = row.status === RecordingStatus.ready
    return {
      id: row.id,
      sessionId: row.session_id,
      status: row.status as RecordingInfo['status'],
      startedAt: Number(row.started_at),
      stoppedAt: row.stopped_at === null ? null : Number(row.stopped_at),
      durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
      sizeBytes: row.size_bytes === null ? null : Number(row.size_bytes),
      error: row.error,
      url: ready
        ? `${base}/api/sessions/${row.session_id}/recordings/${row.id}/file?${signedQuery(config.tokenSecret, row.id, clock())}`
        : null,
    }
  }

  /** Resolves once every queued post-processing has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending > 0) await this.queue
  }

  async close(): Promise<void> {
    this.closed = true
    await this.queue
  }

  private process(row: RecordingRow) {
    const { log } = this.options.services
    this.pending += 1
    this.queue = this.queue
      .then(async () => {
        if (this.closed) return
        const folder = recordingFolder(this.dir, row.session_id, row.id)
        try {
          const done = await postProcess(folder, row.id, this.options.tools ?? DEFAULT_TOOLS)
          // Deleted while it was processed: nothing to keep.
          if (!(await this.store.get(row.session_id, row.id))) return removeFolder(folder)
          await this.store.ready(row.id, done)
          log.info({ recordingId: row.id, ...done }, 'stage recording ready')
        } catch (error) {
          const message =
            error instanceof ProcessingError
              ? error.message
              : 'Post-processing failed on the server; see its log.'
          log.warn({ err: error, recordingId: row.id }, 'stage recording failed')
          await this.store.failed(row.id, message)
        }
      })
      .catch((error: unknown) => log.error({ err: error }, 'recording post-processing failed'))
      .finally(() => {
        this.pending -= 1
      })
  }

  private flag(sessionId: string, on: boolean, since?: number) {
    return this.options.services.docs.change(documentName.public(sessionId), (doc) =>
      new RecordingDoc(doc).set({ on, since: on ? (since ?? null) : null }),
    )
  }
}

function refusalProblem(error: unknown): Error {
  if (error instanceof Error && error.name === 'JanusError')
    return new HttpProblem(
      502,
      'Bad gateway',
      `The media server refused to record: ${error.message}.`,
    )
  if (!(error instanceof RecorderRefusal)) return error as Error
  switch (error.code) {
    case RecorderRefusalCode.noStage:
      return HttpProblem.conflict(error.message)
    case RecorderRefusalCode.unavailable:
      return new HttpProblem(503, 'Service unavailable', error.message)
    default: {
      const never: never = error.code
      throw new Error(`unknown refusal ${String(never)}`)
    }
  }
}
