import { type ModDoc, rankQuestions } from '@podium/shared'
import { createEffect, createMemo, createSignal, For, onCleanup, onMount, Show } from 'solid-js'
import { RecordingBadge } from '../../components/RecordingBadge.tsx'
import { ProjectorPolls, projectorPolls } from '../../polls/ProjectorPolls.tsx'
import type { StageConnection } from '../../video/state/connection.ts'
import type { StaffRoom } from '../model/room.ts'
import { createTimerClock, type TimerSource } from '../model/timer.ts'
import { authorLabel, plural } from '../ui/format.ts'
import { QrImage } from '../ui/QrImage.tsx'
import { joinUrl } from '../ui/qr.ts'
import { TimerReadout } from '../ui/TimerReadout.tsx'
import { fitRows, fitText, refitOnResize } from './fit.ts'
import { ProjectorReactions } from './ProjectorReactions.tsx'
import { createStageFeeds, ProjectorVideo } from './ProjectorVideo.tsx'

const TOP = 5
/** The smallest spotlight text, in px: still readable from the middle of a room. */
const SPOTLIGHT_MIN_PX = 18

/** The join link as typed, without its scheme: `podium.example` and `/j/K7M2QX`. */
export function typedAddress(link: string): { host: string; path: string } {
  const url = new URL(link)
  return { host: url.host, path: url.pathname }
}

/**
 * The screen behind the speaker: the video stage, spotlight, top questions, timer, and how
 * to join; once the session has ended, only that it has.
 */
export function ProjectorView(props: {
  /** With the moderators' document (staff put the projector up), poll results move live. */
  source: TimerSource & Pick<StaffRoom, 'presence'> & { mod?: ModDoc | null }
  origin?: string
  /** Watch the video stage (needs the viewer's identity); left out, no video is shown. */
  stage?: StageConnection
}) {
  const pub = () => props.source.pub
  const clock = createTimerClock(props.source)
  const view = createMemo(() => {
    props.source.version()
    const stage = pub().stage()
    const meta = pub().meta()
    const spotlight = stage.spotlightQuestionId
      ? pub().question(stage.spotlightQuestionId)
      : undefined
    const shown = spotlight?.status === 'published' ? spotlight : undefined
    const top = rankQuestions(pub().questions(), 'popular', { answered: 'open' })
      .filter((q) => q.id !== shown?.id)
      .slice(0, TOP)
    const item = pub()
      .agenda()
      .find((a) => a.id === stage.currentItemId)
    return { meta, spotlight: shown, top, item }
  })
  const ended = () => view().meta.status === 'ended'
  // Re-read every few seconds too, so a closed poll's results leave the screen in time.
  const [pollClock, setPollClock] = createSignal(0)
  const pollTimer = setInterval(() => setPollClock((n) => n + 1), 5_000)
  onCleanup(() => clearInterval(pollTimer))
  const polls = createMemo(() => {
    props.source.version()
    pollClock()
    return projectorPolls(pub().doc, props.source.serverNow(), props.source.mod?.doc)
  })
  // Apart from the ranking: the count moves up to once a second in a busy session.
  const participants = createMemo(() => {
    props.source.version()
    props.source.presence()
    return pub().participants()
  })
  const link = () => joinUrl(view().meta.code, props.origin)
  const address = () => typedAddress(link())
  const showTimer = () => clock.timer().state !== 'stopped' || clock.timer().durationMs > 0
  const video = props.stage ? createStageFeeds(props.stage) : null
  const videoOn = () => !ended() && (video?.seats().length ?? 0) > 0

  const [fullscreen, setFullscreen] = createSignal(false)
  const onFullscreen = () => setFullscreen(document.fullscreenElement !== null)
  onMount(() => document.addEventListener('fullscreenchange', onFullscreen))
  onCleanup(() => document.removeEventListener('fullscreenchange', onFullscreen))
  const enterFullscreen = () => {
    document.documentElement.requestFullscreen?.().catch(() => {
      // Some browsers refuse outside a direct click; the view works in a window too.
    })
  }

  return (
    <main id="main" class="projector" classList={{ ended: ended(), 'video-on': videoOn() }}>
      <header class="projector-head">
        <div>
          <h1 class="projector-title" dir="auto">
            {view().meta.title}
          </h1>
          <Show when={!ended() && view().item}>
            {(item) => (
              <p class="projector-item">
                Now: <span dir="auto">{item().title}</span>
              </p>
            )}
          </Show>
        </div>
        <RecordingBadge doc={pub().doc} version={props.source.version} />
        <Show when={!ended() && showTimer()}>
          <TimerReadout
            timer={clock.timer()}
            remaining={clock.remaining()}
            class="projector-timer"
          />
        </Show>
      </header>
      <Show
        when={!ended()}
        fallback={
          <section class="projector-stage projector-ended" aria-labelledby="ended-heading">
            <h2 id="ended-heading">This session has ended</h2>
            <p class="projector-ended-note">Thank you for taking part.</p>
          </section>
        }
      >
        <section class="projector-stage" aria-label="Questions">
          <Show when={videoOn() && video}>{(v) => <ProjectorVideo feeds={v().feeds()} />}</Show>
          <ProjectorPolls views={polls()} serverNow={() => props.source.serverNow()} />
          <Show when={polls().length === 0}>
            <Show
              when={view().spotlight}
              fallback={
                <Show when={view().top.length === 0 && !videoOn()}>
                  <p class="projector-empty">
                    Ask your questions: scan the code or go to the link.
                  </p>
                </Show>
              }
            >
              {(q) => <Spotlight text={q().text} caption={spotlightCaption(q())} />}
            </Show>
            <Show when={view().top.length > 0 && !videoOn()}>
              <TopQuestions top={view().top} compact={view().spotlight !== undefined} />
            </Show>
          </Show>
        </section>
        <aside class="projector-join" aria-label="How to join">
          <Show when={view().meta.code}>
            <QrImage text={link()} alt={`QR code for ${link()}`} class="projector-qr" />
            <p class="projector-join-text">
              Join at{' '}
              <strong class="projector-address">
                {/* A narrow panel breaks the line before the path, not inside the host. */}
                {address().host}
                <wbr />
                {address().path}
              </strong>
            </p>
            <p class="projector-code-line">
              Code <span class="projector-code">{view().meta.code}</span>
            </p>
            <p class="projector-count">{plural(participants(), 'participant')}</p>
          </Show>
          <ProjectorReactions doc={pub().doc} now={() => props.source.serverNow()} />
          <Show when={!fullscreen()}>
            <button type="button" class="projector-fullscreen" onClick={enterFullscreen}>
              Full screen
            </button>
          </Show>
        </aside>
      </Show>
      <Show when={ended() && !fullscreen()}>
        <button type="button" class="projector-fullscreen" onClick={enterFullscreen}>
          Full screen
        </button>
      </Show>
    </main>
  )
}

function spotlightCaption(q: { authorName: string | null; votes: number }) {
  return { author: authorLabel(q.authorName), votes: plural(q.votes, 'vote') }
}

/** The question on screen, at the largest size at which all of it fits. */
function Spotlight(props: { text: string; caption: { author: string; votes: string } }) {
  let box: HTMLElement | undefined
  let text: HTMLParagraphElement | undefined
  const refit = () => {
    if (box && text) fitText(box, text, SPOTLIGHT_MIN_PX)
  }
  onMount(() => {
    if (box?.parentElement) refitOnResize(box.parentElement, refit)
  })
  createEffect(() => {
    props.text
    refit()
  })
  return (
    <figure class="projector-spotlight" ref={box}>
      <blockquote>
        <p ref={text} dir="auto">
          {props.text}
        </p>
      </blockquote>
      <figcaption>
        <span dir="auto">{props.caption.author}</span> · {props.caption.votes}
      </figcaption>
    </figure>
  )
}

/** The most popular open questions: as many as fit whole. */
function TopQuestions(props: {
  top: Array<{ id: string; text: string; votes: number }>
  compact: boolean
}) {
  let list: HTMLOListElement | undefined
  const refit = () => {
    if (list) fitRows(list)
  }
  onMount(() => {
    if (list?.parentElement) refitOnResize(list.parentElement, refit)
  })
  createEffect(() => {
    props.top
    props.compact
    refit()
  })
  return (
    <ol class="projector-top" classList={{ compact: props.compact }} ref={list}>
      <For each={props.top}>
        {(q) => (
          <li>
            <span class="projector-votes">{q.votes}</span>
            <span class="projector-q" dir="auto">
              {q.text}
            </span>
          </li>
        )}
      </For>
    </ol>
  )
}
