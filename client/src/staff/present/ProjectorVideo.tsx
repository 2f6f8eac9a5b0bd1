import { FeedKind, type StageSeat, VideoStageDoc } from '@podium/shared'
import {
  type Accessor,
  createEffect,
  createMemo,
  createSignal,
  For,
  onCleanup,
  Show,
} from 'solid-js'
import { IceServers } from '../../video/rtc/ice-servers.ts'
import { blockerText, watchBlocker } from '../../video/rtc/support.ts'
import type { StageConnection } from '../../video/state/connection.ts'
import { createWatching, type FeedView } from '../../video/state/watch-state.ts'
import { FeedTile } from '../../video/ui/FeedTile.tsx'
import { Look, lookClasses } from '../../video/ui/look.ts'
import '../../video/ui/video.css'

const sameSeats = (a: StageSeat[], b: StageSeat[]) => JSON.stringify(a) === JSON.stringify(b)

/**
 * The stage as the projector watches it: every seat, this person's own included (the host
 * publishes from the console while the projector runs in another tab or on another
 * device). The watch link opens only while someone is on stage.
 */
export function createStageFeeds(connection: StageConnection): {
  seats: Accessor<StageSeat[]>
  feeds: Accessor<FeedView[]>
} {
  const roster = new VideoStageDoc(connection.public.doc)
  const [seats, setSeats] = createSignal(roster.seats(), { equals: sameSeats })
  onCleanup(roster.observe(() => setSeats(roster.seats())))
  const ice = new IceServers(
    connection.identity.token,
    () => connection.public.meta().status === 'live',
  )
  const watching = createWatching(connection, ice, { includeSelf: true })
  createEffect(() => watching.reconcile(seats()))
  onCleanup(() => watching.stop())
  return { seats, feeds: watching.feeds }
}

/**
 * The video on the projector: a shared screen fills the area (it is what a room projects)
 * with the cameras small beside it; without one, the cameras share the area.
 */
export function ProjectorVideo(props: { feeds: FeedView[] }) {
  const classes = lookClasses(Look.staff)
  const screens = createMemo(() => props.feeds.filter((f) => f.feed === FeedKind.screen))
  const cameras = createMemo(() => props.feeds.filter((f) => f.feed === FeedKind.camera))
  const view = (key: string) => () => props.feeds.find((f) => f.key === key)!
  const blocker = watchBlocker()
  return (
    <section
      class="projector-video"
      classList={{ 'with-screen': screens().length > 0 }}
      aria-label="Video stage"
      data-testid="projector-video"
    >
      <Show when={!blocker} fallback={<p class="projector-video-note">{blockerText(blocker!)}</p>}>
        <Show when={screens().length > 0}>
          <div class="projector-screens">
            <For each={screens().map((f) => f.key)}>
              {(key) => <FeedTile view={view(key)} classes={classes} />}
            </For>
          </div>
        </Show>
        <Show when={cameras().length > 0}>
          <div class="projector-cameras">
            <For each={cameras().map((f) => f.key)}>
              {(key) => <FeedTile view={view(key)} classes={classes} />}
            </For>
          </div>
        </Show>
        <Show when={props.feeds.length === 0}>
          <p class="projector-video-note">Connecting to the video stage…</p>
        </Show>
      </Show>
    </section>
  )
}
