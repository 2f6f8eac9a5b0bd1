import {
  canPublishVideo,
  PeerKind,
  STAGE_AUDIENCE_CAP,
  type StageSeat,
  VideoStageDoc,
} from '@podium/shared'
import { type Accessor, createSignal } from 'solid-js'
import type { IceServers } from '../rtc/ice-servers.ts'
import { LocalMedia, MediaBlockedError, openScreen } from '../rtc/local-media.ts'
import { LinkState, PeerLink } from '../rtc/peer-link.ts'
import { Publisher, type ServedView, ShareMode } from '../rtc/publisher.ts'
import { blockerText, publishBlocker } from '../rtc/support.ts'
import { SfuLink, sfuAvailable } from '../sfu/sfu-link.ts'
import type { StageConnection } from './connection.ts'
import { stageRefusal } from './stage-plan.ts'

export const PublishState = {
  off: 'off',
  /** Opening the camera and microphone, and connecting to signaling. */
  starting: 'starting',
  live: 'live',
  /** Lost signaling; viewers already connected keep watching. */
  reconnecting: 'reconnecting',
  leaving: 'leaving',
} as const
export type PublishState = (typeof PublishState)[keyof typeof PublishState]

export interface Publishing {
  state: Accessor<PublishState>
  /** Why going on stage failed or stopped, in words; null when nothing to say. */
  problem: Accessor<string | null>
  preview: Accessor<MediaStream | null>
  screenPreview: Accessor<MediaStream | null>
  microphoneOn: Accessor<boolean>
  cameraOn: Accessor<boolean>
  hasMicrophone: Accessor<boolean>
  hasCamera: Accessor<boolean>
  sharing: Accessor<ShareMode | null>
  served: Accessor<ServedView[]>
  audience: Accessor<number>
  goOnStage(): Promise<void>
  leaveStage(): Promise<void>
  setMicrophone(on: boolean): void
  setCamera(on: boolean): void
  chooseDevice(kind: 'audio' | 'video', deviceId: string): Promise<void>
  shareScreen(mode: ShareMode): Promise<void>
  stopSharing(): Promise<void>
  /** Stops publishing without leaving the seat: the page is going away. */
  stop(): void
}

/**
 * The publishing side of the stage for hosts and presenters: camera and microphone,
 * the stage peer, the seat in the roster, screen sharing and device changes.
 */
export function createPublishing(connection: StageConnection, ice: IceServers): Publishing {
  const me = connection.identity
  const roster = new VideoStageDoc(connection.public.doc)
  const [state, setState] = createSignal<PublishState>(PublishState.off)
  const [problem, setProblem] = createSignal<string | null>(null)
  const [preview, setPreview] = createSignal<MediaStream | null>(null)
  const [screenPreview, setScreenPreview] = createSignal<MediaStream | null>(null)
  const [microphoneOn, setMicrophoneOn] = createSignal(true)
  const [cameraOn, setCameraOn] = createSignal(true)
  const [hasMicrophone, setHasMicrophone] = createSignal(false)
  const [hasCamera, setHasCamera] = createSignal(false)
  const [sharing, setSharing] = createSignal<ShareMode | null>(null)
  const [served, setServed] = createSignal<ServedView[]>([])
  const [audience, setAudience] = createSignal(0)
  let media: LocalMedia | null = null
  let publisher: Publisher | null = null
  let link: PeerLink | null = null
  /**
   * The camera on the SFU, for viewers past the mesh cap (when the SFU answers), and the
   * screen beside it while one is shared as a second feed.
   */
  let sfu: {
    link: SfuLink
    pc: RTCPeerConnection | null
    screen: { track: MediaStreamTrack; pc: RTCPeerConnection | null } | null
  } | null = null
  let sfuRetry: ReturnType<typeof setTimeout> | null = null
  /** The screen being shared, and how (the SFU's copy follows it). */
  let screen: { track: MediaStreamTrack; mode: ShareMode } | null = null

  const stopSfu = () => {
    if (sfuRetry) clearTimeout(sfuRetry)
    sfuRetry = null
    const current = sfu
    sfu = null
    current?.screen?.pc?.close()
    current?.pc?.close()
    current?.link.close()
  }

  /**
   * Keeps the SFU's copy of the screen as the mesh has it: a screen `added` beside the
   * camera is published as the feed `screen`; one that `replaced` the camera takes the
   * camera's place on the SFU too (viewers there see it in the camera's tile); and
   * back when sharing stops.
   */
  const syncSfuScreen = async () => {
    const current = sfu
    if (!current?.pc) return
    const camera = current.pc
      .getTransceivers()
      .find((t) => t.receiver.track.kind === 'video')?.sender
    const cameraTrack = media?.videoTrack ?? null
    const wanted = screen?.mode === ShareMode.added ? screen.track : null
    if (current.screen && current.screen.track !== wanted) {
      current.screen.pc?.close()
      current.screen = null
      current.link.unpublish('screen')
    }
    const shown = screen?.mode === ShareMode.replaced ? screen.track : cameraTrack
    if (camera && shown && camera.track !== shown) await camera.replaceTrack(shown).catch(() => {})
    if (!wanted || current.screen) return
    const entry: { track: MediaStreamTrack; pc: RTCPeerConnection | null } = {
      track: wanted,
      pc: null,
    }
    current.screen = entry
    try {
      const pc = await current.link.publish('screen', wanted, null, await ice.get())
      if (sfu !== current || current.screen !== entry) return pc.close()
      entry.pc = pc
    } catch {
      // The screen stays on the mesh; viewers through the SFU see the camera.
      if (current.screen === entry) current.screen = null
    }
  }

  /** Publishes the camera on the SFU too; marks the seat once it is there. */
  const publishOnSfu = async () => {
    if (sfu || !media?.videoTrack) return
    if (!(await sfuAvailable(me.token))) return
    const active = media
    let opened: SfuLink
    try {
      opened = await SfuLink.open(me.token, {
        feeds: () => undefined,
        closed: () => {
          if (sfu?.link !== opened) return
          sfu.pc?.close()
          sfu = null
          roster.update(me.userId, { sfu: false })
          // The SFU went away or restarted: publish again a little later, while on stage.
          sfuRetry = setTimeout(() => {
            if (media === active && state() === PublishState.live) void publishOnSfu()
          }, 3000)
        },
      })
    } catch {
      return
    }
    if (media !== active || !active.videoTrack) return opened.close()
    sfu = { link: opened, pc: null, screen: null }
    try {
      const pc = await opened.publish(
        'camera',
        active.videoTrack,
        active.audioTrack,
        await ice.get(),
      )
      if (sfu?.link !== opened) return pc.close()
      sfu.pc = pc
      roster.update(me.userId, { sfu: true })
      await syncSfuScreen()
    } catch {
      if (sfu?.link === opened) stopSfu()
    }
  }

  const teardown = () => {
    stopSfu()
    publisher?.stop()
    link?.close()
    media?.stop()
    publisher = null
    link = null
    media = null
    setPreview(null)
    setScreenPreview(null)
    setSharing(null)
    screen = null
    setServed([])
    setAudience(0)
  }

  const takeSeat = (peerId: string) => {
    const mine = roster.seat(me.userId)
    const seat: StageSeat = {
      userId: me.userId,
      name: me.name,
      role: me.role === 'host' ? 'host' : 'presenter',
      peerId,
      since: mine?.since ?? Date.now(),
      screen: sharing() ?? 'off',
      camera: hasCamera() && cameraOn(),
      microphone: hasMicrophone() && microphoneOn(),
      audience: publisher?.audience ?? 0,
      cap: STAGE_AUDIENCE_CAP,
      sfu: sfu?.pc != null,
    }
    roster.take(seat)
  }

  const onLink = (next: LinkState, detail: string | null) => {
    switch (next) {
      case LinkState.open:
        if (link) takeSeat(link.id)
        setState(PublishState.live)
        void publishOnSfu()
        return
      case LinkState.reconnecting:
        if (state() === PublishState.live) setState(PublishState.reconnecting)
        return
      case LinkState.refused:
        teardown()
        setProblem(detail ?? 'The signaling server refused to put you on stage.')
        setState(PublishState.off)
        return
      case LinkState.taken:
        teardown()
        setProblem(
          'You are already on stage in another tab or window. Leave the stage there, or close it, and try again.',
        )
        setState(PublishState.off)
        return
      case LinkState.connecting:
      case LinkState.closed:
        return
      default: {
        const unknown: never = next
        throw new Error(`unknown link state ${String(unknown)}`)
      }
    }
  }

  async function goOnStage(): Promise<void> {
    if (state() !== PublishState.off) return
    setProblem(null)
    if (!canPublishVideo(me.role)) {
      setProblem(
        'Only the host and presenters can go on stage. You can follow the stage and ask questions.',
      )
      return
    }
    const blocker = publishBlocker()
    if (blocker) {
      setProblem(blockerText(blocker))
      return
    }
    setState(PublishState.starting)
    const refused = await stageRefusal(me)
    if (refused !== null) {
      setProblem(refused)
      setState(PublishState.off)
      return
    }
    try {
      media = await LocalMedia.open()
    } catch (error) {
      setProblem(error instanceof MediaBlockedError ? blockerText(error.blocker) : String(error))
      setState(PublishState.off)
      return
    }
    setHasCamera(media.videoTrack !== null)
    setHasMicrophone(media.audioTrack !== null)
    media.setCamera(cameraOn())
    media.setMicrophone(microphoneOn())
    setPreview(media.stream)
    publisher = new Publisher(media, STAGE_AUDIENCE_CAP, {
      changed: (views, count) => {
        setServed(views)
        setAudience(count)
        roster.update(me.userId, { audience: count })
      },
    })
    const servers = await ice.get()
    if (state() !== PublishState.starting) return
    const active = publisher
    let opened: PeerLink | null = null
    opened = await PeerLink.open(me, PeerKind.stage, servers, {
      state: (next, detail) => {
        if (opened !== null && link === opened) onLink(next, detail)
      },
      call: (call) => active.handleCall(call),
    })
    if (state() !== PublishState.starting || publisher !== active) {
      opened.close()
      return
    }
    link = opened
  }

  async function stopSharing(): Promise<void> {
    await publisher?.stopScreen()
    screen = null
    await syncSfuScreen()
    setSharing(null)
    setScreenPreview(null)
    roster.update(me.userId, { screen: 'off' })
  }

  async function leaveStage(): Promise<void> {
    if (state() === PublishState.off || state() === PublishState.leaving) return
    setState(PublishState.leaving)
    // Leave the roster first, so viewers drop the tile instead of showing "reconnecting".
    roster.leave(me.userId)
    await new Promise((resolve) => setTimeout(resolve, 400))
    teardown()
    setState(PublishState.off)
  }

  return {
    state,
    problem,
    preview,
    screenPreview,
    microphoneOn,
    cameraOn,
    hasMicrophone,
    hasCamera,
    sharing,
    served,
    audience,
    goOnStage,
    leaveStage,
    setMicrophone(on) {
      setMicrophoneOn(on)
      media?.setMicrophone(on)
      roster.update(me.userId, { microphone: on && hasMicrophone() })
    },
    setCamera(on) {
      setCameraOn(on)
      media?.setCamera(on)
      roster.update(me.userId, { camera: on && hasCamera() })
    },
    async chooseDevice(kind, deviceId) {
      if (!media) return
      try {
        const track = await media.switchDevice(kind, deviceId)
        await publisher?.replaceTrack(kind, track)
        // The SFU's camera, unless a shared screen has its place there.
        if (!(kind === 'video' && screen?.mode === ShareMode.replaced)) {
          const sender = sfu?.pc?.getSenders().find((s) => s.track?.kind === kind)
          await sender?.replaceTrack(track)
        }
        setPreview(new MediaStream(media.stream.getTracks()))
        if (kind === 'video') setHasCamera(true)
        else setHasMicrophone(true)
      } catch (error) {
        setProblem(error instanceof MediaBlockedError ? blockerText(error.blocker) : String(error))
      }
    },
    async shareScreen(mode) {
      if (!publisher) return
      setProblem(null)
      let stream: MediaStream
      try {
        stream = await openScreen()
      } catch (error) {
        setProblem(error instanceof MediaBlockedError ? blockerText(error.blocker) : String(error))
        return
      }
      const active = publisher
      await active.shareScreen(stream, mode)
      const track = stream.getVideoTracks()[0]
      screen = track ? { track, mode } : null
      await syncSfuScreen()
      // The browser's own "Stop sharing" button ends the track.
      stream.getVideoTracks()[0]?.addEventListener('ended', () => {
        if (publisher === active && active.sharing) void stopSharing()
      })
      setSharing(mode)
      setScreenPreview(stream)
      roster.update(me.userId, { screen: mode })
    },
    stopSharing,
    stop() {
      teardown()
      setState(PublishState.off)
    },
  }
}
