import { FeedKind } from '@podium/shared'
import { type Accessor, createEffect, createSignal, onCleanup, Show } from 'solid-js'
import { type HlsPlayback, playHls } from '../hls/player.ts'
import { QualityLevel } from '../quality/stats.ts'
import { FeedState } from '../rtc/feed-watcher.ts'
import type { SfuLayer } from '../sfu/sfu-watcher.ts'
import type { FeedView } from '../state/watch-state.ts'
import type { LookClasses } from './look.ts'
import { QualityIndicator } from './QualityIndicator.tsx'

/** The simulcast layers a viewer through the SFU may get, lowest first. */
const LAYER_NAMES = ['low', 'medium', 'high'] as const

/**
 * The layer a viewer through the SFU receives, as Janus reports forwarding it; while that
 * differs from the layer asked for (Janus switches at the next keyframe), "switching…".
 */
export function sfuLayerLabel(layer: SfuLayer): string {
  const wanted = LAYER_NAMES[layer.wanted]
  if (layer.forwarded === null) return `via SFU · switching to ${wanted}…`
  const forwarded = LAYER_NAMES[layer.forwarded]
  if (layer.forwarded === layer.wanted) return `via SFU · ${forwarded}`
  return `via SFU · ${forwarded}, switching to ${wanted}…`
}

const who = (view: FeedView) =>
  view.seat.name ?? (view.seat.role === 'host' ? 'The host' : 'The presenter')

/** What a viewer past the SFU's cap reads over the broadcast's tile, or null while it plays. */
function broadcastMessage(view: FeedView): string | null {
  const status = view.broadcast?.status ?? null
  if (view.state === FeedState.live) return null
  if (status && status.state !== 'off' && status.source?.userId !== view.seat.userId)
    return `The media server is full, and the broadcast shows another presenter now. Questions and polls keep working.`
  if (view.state === FeedState.connecting)
    return `The media server is full: the broadcast of ${who(view)} is starting, a few seconds behind the stage…`
  const reason = status?.reason ? ` ${status.reason}` : ''
  return `The broadcast is not running.${reason} The media server is full, so this stage reaches you only through it; questions and polls keep working.`
}

/** What a viewer reads over a feed that is not playing, or null while it plays. */
export function feedMessage(view: FeedView): string | null {
  if (view.broadcast) return broadcastMessage(view)
  switch (view.state) {
    case FeedState.connecting:
      return `Connecting to ${who(view)}…`
    case FeedState.live:
      return view.feed === FeedKind.camera && !view.seat.camera ? 'Camera off' : null
    case FeedState.reconnecting:
      return 'Presenter reconnecting…'
    case FeedState.disconnected:
      return `Presenter disconnected. Waiting for ${who(view)} to come back…`
    case FeedState.full:
      // Without an SFU (no JANUS_URL, or it does not answer) the mesh cap is the limit.
      return `The stage is full: ${view.seat.cap} people are watching, the most one presenter can serve directly. Video starts when a place frees up; questions and polls keep working.`
    case FeedState.stopped:
      return null
    default: {
      const unknown: never = view.state
      throw new Error(`unknown feed state ${String(unknown)}`)
    }
  }
}

/** One publisher feed: the video, who it is, its state in words, and its connection quality. */
export function FeedTile(props: {
  view: Accessor<FeedView>
  classes: LookClasses
  /** Offered to the host for a publisher who is gone: frees the seat. */
  onRemove?: () => void
}) {
  let video: HTMLVideoElement | undefined
  const [needsSound, setNeedsSound] = createSignal(false)
  const screen = () => props.view().feed === FeedKind.screen

  const play = async () => {
    if (!video) return
    // Autoplay with sound needs a gesture in most browsers: start muted and offer sound.
    video.muted = screen()
    try {
      await video.play()
    } catch {
      video.muted = true
      setNeedsSound(!screen())
      await video.play().catch(() => {})
    }
  }

  createEffect(() => {
    const stream = props.view().stream
    if (!video || video.srcObject === stream) return
    video.srcObject = stream
    if (stream) void play()
  })

  // Past the SFU's cap the picture is the broadcast's playlist, not a WebRTC stream.
  const [hlsProblem, setHlsProblem] = createSignal<string | null>(null)
  // A live playlist is not yet a picture: the tile says live once frames play.
  const [hlsShown, setHlsShown] = createSignal(false)
  let playback: HlsPlayback | null = null
  let playingList: string | null = null
  createEffect(() => {
    const playlist = props.view().broadcast?.playlist ?? null
    if (!video || playlist === playingList) return
    playback?.stop()
    playback = null
    playingList = playlist
    setHlsProblem(null)
    setHlsShown(false)
    if (!playlist) return
    const target = video
    const current = () => playingList === playlist
    void playHls(target, playlist, {
      problem: (message) => current() && setHlsProblem(message),
      shown: () => current() && setHlsShown(true),
      restarting: () => current() && setHlsShown(false),
    }).then((started) => {
      if (playingList !== playlist) return started.stop()
      playback = started
      void play()
    })
  })
  onCleanup(() => playback?.stop())

  /** The view as the tile shows it: a broadcast counts as live once its frames play. */
  const shown = (): FeedView => {
    const view = props.view()
    if (view.state === FeedState.live && view.broadcast?.playlist && !hlsShown())
      return { ...view, state: FeedState.connecting }
    return view
  }
  const message = () => hlsProblem() ?? feedMessage(shown())
  const playing = () =>
    props.view().state === FeedState.live &&
    (props.view().stream !== null || !!props.view().broadcast?.playlist) &&
    !hlsProblem()
  const label = () => `${who(props.view())}${screen() ? ' – screen' : ''}`

  return (
    <figure
      class="vs-tile"
      classList={{ 'vs-tile-screen': screen() }}
      data-testid="stage-feed"
      data-feed={props.view().feed}
      data-state={shown().state}
      data-user={props.view().seat.userId}
      data-path={props.view().broadcast ? 'broadcast' : props.view().sfu ? 'sfu' : 'direct'}
      data-layer={props.view().sfu?.forwarded ?? undefined}
      data-layer-wanted={props.view().sfu?.wanted}
    >
      <div class="vs-frame">
        <video
          ref={video}
          autoplay
          playsinline
          classList={{ 'vs-hidden': !playing() }}
          aria-label={label()}
        />
        <Show when={message()}>
          {(text) => (
            <p class="vs-overlay" role="status">
              {text()}
            </p>
          )}
        </Show>
        <Show when={needsSound() && playing()}>
          <button
            type="button"
            class={`${props.classes.button} vs-sound`}
            onClick={() => {
              if (video) video.muted = false
              setNeedsSound(false)
            }}
          >
            Turn sound on
          </button>
        </Show>
      </div>
      <Show when={props.onRemove && props.view().state === FeedState.disconnected && !screen()}>
        <button
          type="button"
          class={`${props.classes.button} vs-remove`}
          onClick={() => props.onRemove?.()}
        >
          Take {who(props.view())} off the stage
        </button>
      </Show>
      <figcaption class="vs-caption">
        <span class="vs-name" dir="auto">
          {label()}
        </span>
        <Show when={!screen() && !props.view().seat.microphone}>
          <span class="vs-muted">muted</span>
        </Show>
        <Show when={props.view().broadcast}>
          <span
            class="vs-path vs-behind"
            title="The media server is full: you watch the stage's broadcast, which runs a few seconds behind it"
          >
            broadcast · a few seconds behind
          </span>
        </Show>
        <Show when={props.view().sfu}>
          {(sfu) => (
            <span class="vs-path" title="Watching through the media server (SFU)">
              {sfuLayerLabel(sfu())}
            </span>
          )}
        </Show>
        <QualityIndicator
          level={
            shown().state === FeedState.live
              ? (props.view().measured?.level ?? QualityLevel.unknown)
              : QualityLevel.unknown
          }
        />
      </figcaption>
    </figure>
  )
}
