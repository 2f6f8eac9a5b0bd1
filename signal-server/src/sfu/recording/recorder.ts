import type { SfuProxy } from '../proxy.ts'

/** Why a recording cannot start: nothing on the stage through Janus, or no Janus. */
export const RecorderRefusalCode = { noStage: 'no-stage', unavailable: 'unavailable' } as const
export type RecorderRefusalCode = (typeof RecorderRefusalCode)[keyof typeof RecorderRefusalCode]

export class RecorderRefusal extends Error {
  override name = 'RecorderRefusal'
  constructor(
    readonly code: RecorderRefusalCode,
    message: string,
  ) {
    super(message)
  }
}

export interface StageRecorder {
  /** Janus records every publisher of the session's room into `folder` (.mjr files) until `stop`. */
  start(sessionId: string, folder: string): Promise<void>
  /** Janus closes the files; a room that is gone (everyone left) stopped recording with it. */
  stop(sessionId: string): Promise<void>
  /**
   * The proxy made the session's room again (everyone had left): while the session is
   * being recorded, the new room records into the same folder.
   */
  roomCreated(sessionId: string, room: { number: number; secret: string }): Promise<void>
}

/**
 * Stage recording on Janus's VideoRoom, for the server that owns the session's room (the
 * SFU proxy): the room's recording folder is set (`edit` with `new_rec_dir`), then the
 * room records (`enable_recording`), which records every publisher in it now and every
 * one that joins while it is on, one .mjr file per stream, named
 * `videoroom-<room>-user-<id>-<time>-<audio|video>-<mindex>.mjr`. With simulcast, Janus
 * records the top layer it receives. Both requests need the room's secret, which only
 * the proxy knows; post-processing is the caller's.
 */
export function createStageRecorder(
  sfu: Pick<SfuProxy, 'enabled' | 'stageRoom' | 'roomRequest'>,
): StageRecorder {
  /** Sessions being recorded, and their folders (for rooms made again while recording). */
  const recording = new Map<string, string>()
  const record = async (room: { number: number; secret: string }, folder: string) => {
    await sfu.roomRequest({
      request: 'edit',
      room: room.number,
      secret: room.secret,
      new_rec_dir: folder,
    })
    await sfu.roomRequest({
      request: 'enable_recording',
      room: room.number,
      secret: room.secret,
      record: true,
    })
  }
  return {
    async start(sessionId, folder) {
      if (!sfu.enabled)
        throw new RecorderRefusal(
          RecorderRefusalCode.unavailable,
          'No media server is configured (JANUS_URL), so the stage cannot be recorded.',
        )
      const room = await sfu.stageRoom(sessionId)
      if (!room || room.feeds === 0)
        throw new RecorderRefusal(
          RecorderRefusalCode.noStage,
          'Nobody is on the stage through the media server yet: go on stage with your camera first.',
        )
      await record(room, folder)
      recording.set(sessionId, folder)
    },
    async stop(sessionId) {
      recording.delete(sessionId)
      const room = await sfu.stageRoom(sessionId)
      if (!room) return
      await sfu.roomRequest({
        request: 'enable_recording',
        room: room.number,
        secret: room.secret,
        record: false,
      })
    },
    async roomCreated(sessionId, room) {
      const folder = recording.get(sessionId)
      if (folder) await record(room, folder)
    },
  }
}
