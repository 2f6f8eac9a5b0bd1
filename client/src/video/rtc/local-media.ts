import { CAMERA_CONSTRAINTS, SCREEN_CONSTRAINTS } from '@podium/shared'
import { mediaErrorBlocker, VideoBlocker } from './support.ts'

export class MediaBlockedError extends Error {
  constructor(readonly blocker: VideoBlocker) {
    super(blocker)
  }
}

export interface Devices {
  cameras: MediaDeviceInfo[]
  microphones: MediaDeviceInfo[]
}

export async function listDevices(): Promise<Devices> {
  const all = await navigator.mediaDevices.enumerateDevices()
  return {
    cameras: all.filter((d) => d.kind === 'videoinput'),
    microphones: all.filter((d) => d.kind === 'audioinput'),
  }
}

const video = (deviceId?: string): MediaTrackConstraints =>
  deviceId ? { ...CAMERA_CONSTRAINTS, deviceId: { exact: deviceId } } : CAMERA_CONSTRAINTS
const audio = (deviceId?: string): MediaTrackConstraints | boolean =>
  deviceId
    ? { deviceId: { exact: deviceId }, echoCancellation: true, noiseSuppression: true }
    : true

/**
 * The publisher's camera and microphone. Opens what it can: camera and microphone,
 * else one of them; fails with a MediaBlockedError only when neither is available.
 */
export class LocalMedia {
  private constructor(readonly stream: MediaStream) {}

  static async open(
    choice: { cameraId?: string; microphoneId?: string } = {},
  ): Promise<LocalMedia> {
    const md = navigator.mediaDevices
    let firstError: unknown = null
    for (const constraints of [
      { audio: audio(choice.microphoneId), video: video(choice.cameraId) },
      { audio: false, video: video(choice.cameraId) },
      { audio: audio(choice.microphoneId), video: false },
    ]) {
      try {
        return new LocalMedia(await md.getUserMedia(constraints))
      } catch (error) {
        firstError ??= error
        // Permission denied covers both devices: asking again for one of them won't help.
        if ((error as Error).name === 'NotAllowedError') break
      }
    }
    throw new MediaBlockedError(mediaErrorBlocker(firstError))
  }

  get audioTrack(): MediaStreamTrack | null {
    return this.stream.getAudioTracks()[0] ?? null
  }
  get videoTrack(): MediaStreamTrack | null {
    return this.stream.getVideoTracks()[0] ?? null
  }

  /** Muted or camera-off tracks keep their senders and send silence or black frames. */
  setMicrophone(on: boolean): void {
    if (this.audioTrack) this.audioTrack.enabled = on
  }
  setCamera(on: boolean): void {
    if (this.videoTrack) this.videoTrack.enabled = on
  }

  /** Switches to another camera or microphone; returns the new track (senders swap to it). */
  async switchDevice(kind: 'audio' | 'video', deviceId: string): Promise<MediaStreamTrack> {
    const old = kind === 'audio' ? this.audioTrack : this.videoTrack
    let fresh: MediaStream
    try {
      fresh = await navigator.mediaDevices.getUserMedia(
        kind === 'audio' ? { audio: audio(deviceId) } : { video: video(deviceId) },
      )
    } catch (error) {
      throw new MediaBlockedError(mediaErrorBlocker(error))
    }
    const track = kind === 'audio' ? fresh.getAudioTracks()[0] : fresh.getVideoTracks()[0]
    if (!track) throw new MediaBlockedError(VideoBlocker.noDevice)
    if (old) {
      track.enabled = old.enabled
      this.stream.removeTrack(old)
      old.stop()
    }
    this.stream.addTrack(track)
    return track
  }

  stop(): void {
    for (const track of this.stream.getTracks()) track.stop()
  }
}

/** Asks for a screen, window or tab to share. */
export async function openScreen(): Promise<MediaStream> {
  try {
    const stream = await navigator.mediaDevices.getDisplayMedia({
      video: SCREEN_CONSTRAINTS,
      audio: false,
    })
    const track = stream.getVideoTracks()[0]
    if (track && 'contentHint' in track) track.contentHint = 'detail'
    return stream
  } catch (error) {
    throw new MediaBlockedError(mediaErrorBlocker(error, true))
  }
}
