import { canPublishVideo, STAGE_AUDIENCE_CAP, VideoStageDoc } from '@podium/shared'
import { createEffect, createMemo, createSignal, For, onCleanup, onMount, Show } from 'solid-js'
import { VideoQualityReporter } from '../../analytics/video-report.ts'
import { api } from '../../lib/api.ts'
import { IceServers } from '../rtc/ice-servers.ts'
import { LinkState } from '../rtc/peer-link.ts'
import { blockerText, watchBlocker } from '../rtc/support.ts'
import type { StageConnection } from '../state/connection.ts'
import { createPublishing, PublishState } from '../state/publish-state.ts'
import { createWatching } from '../state/watch-state.ts'
import { FeedTile } from './FeedTile.tsx'
import { Look, lookClasses } from './look.ts'
import { PublisherPanel } from './PublisherPanel.tsx'
import { QualityPanel, type QualityRow } from './QualityPanel.tsx'
import './video.css'

export type { StageConnection } from '../state/connection.ts'

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i])

/**
 * The video stage: hosts and presenters go on stage with camera, microphone and
 * screen; everyone else watches with names and connection quality. When video cannot
 * work here the stage says why, and the rest of the room carries on.
 */
export function Stage(props: {
  connection: StageConnection
  /** Styled like the attendee room (default) or like the staff consoles. */
  look?: Look
}) {
  const connection = props.connection
  const classes = lookClasses(props.look ?? Look.room)
  const me = connection.identity
  const roster = new VideoStageDoc(connection.public.doc)
  const [seats, setSeats] = createSignal(roster.seats(), {
    equals: (a, b) => JSON.stringify(a) === JSON.stringify(b),
  })
  onCleanup(roster.observe(() => setSeats(roster.seats())))

  const ice = new IceServers(me.token, () => connection.public.meta().status === 'live')
  const watching = createWatching(connection, ice)
  const publishing = canPublishVideo(me.role) ? createPublishing(connection, ice) : null
  createEffect(() => watching.reconcile(seats()))
  // How the video held up for this viewer, once a minute, for the host's analytics.
  const reporter = new VideoQualityReporter((report) =>
    api.post(`/sessions/${encodeURIComponent(me.sessionId)}/video-quality`, report, me.token),
  )
  createEffect(() => reporter.observe(watching.feeds()))
  onMount(() => {
    // Back after a reload or a closed tab without leaving: take the seat up again.
    if (publishing && roster.seat(me.userId)) void publishing.goOnStage()
  })
  onCleanup(() => {
    reporter.stop()
    watching.stop()
    publishing?.stop()
  })

  const others = createMemo(() => seats().filter((seat) => seat.userId !== me.userId))
  const keys = createMemo(() => watching.feeds().map((f) => f.key), [], { equals: sameList })
  const view = (key: string) => () => watching.feeds().find((f) => f.key === key)!
  const blocker = watchBlocker()
  const linkProblem = () => {
    const link = watching.link()
    if (!link) return null
    if (link.state === LinkState.refused) return link.detail
    if (link.state === LinkState.reconnecting) return 'Reconnecting to the video server…'
    return null
  }
  const rows = createMemo<QualityRow[]>(() => [
    ...(publishing?.served() ?? []).map((s) => ({
      key: s.connectionId,
      label: `${s.viewerName ?? 'A viewer'} watching your ${s.feed}`,
      measured: s.measured,
      rung: s.rung,
    })),
    ...watching.feeds().map((f) => ({
      key: f.key,
      label: `${f.seat.name ?? 'Presenter'} (${f.feed})`,
      measured: f.measured,
    })),
  ])
  const visible = () => publishing !== null || others().length > 0

  return (
    <Show when={visible()}>
      <section
        class="video-stage card"
        aria-labelledby="video-stage-heading"
        data-testid="video-stage"
      >
        <h2 id="video-stage-heading" class="vs-heading">
          Video stage
          <Show when={others().length > 0}>
            <span class="vs-count"> · {others().length} on stage</span>
          </Show>
        </h2>
        <Show when={blocker}>
          {(reason) => (
            <p class="vs-notice" role="note">
              {blockerText(reason())}
            </p>
          )}
        </Show>
        <Show when={linkProblem()}>
          {(text) => (
            <p class="vs-notice" role="status">
              {text()}
            </p>
          )}
        </Show>
        <Show when={publishing}>
          {(p) => <PublisherPanel publishing={p()} cap={STAGE_AUDIENCE_CAP} classes={classes} />}
        </Show>
        <Show when={!blocker && keys().length > 0}>
          <div class="vs-tiles">
            <For each={keys()}>
              {(key) => (
                <FeedTile
                  view={view(key)}
                  classes={classes}
                  onRemove={
                    me.role === 'host' ? () => roster.leave(view(key)().seat.userId) : undefined
                  }
                />
              )}
            </For>
          </div>
        </Show>
        <Show when={publishing && publishing.state() === PublishState.off && others().length === 0}>
          <p class="vs-empty">No one is on the video stage.</p>
        </Show>
        <QualityPanel rows={rows()} />
      </section>
    </Show>
  )
}
