import { rankQuestions } from '@podium/shared'
import { createMemo, createSignal, For, onCleanup, onMount, Show } from 'solid-js'
import type { StaffRoom } from '../model/room.ts'
import { createTimerClock, type TimerSource } from '../model/timer.ts'
import { authorLabel, plural } from '../ui/format.ts'
import { QrImage } from '../ui/QrImage.tsx'
import { joinUrl } from '../ui/qr.ts'
import { TimerReadout } from '../ui/TimerReadout.tsx'

const TOP = 5

/** The screen behind the speaker: spotlight, top questions, timer, and how to join. */
export function ProjectorView(props: {
  source: TimerSource & Pick<StaffRoom, 'presence'>
  origin?: string
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
  // Apart from the ranking: the count moves up to once a second in a busy session.
  const participants = createMemo(() => {
    props.source.version()
    props.source.presence()
    return pub().participants()
  })
  const link = () => joinUrl(view().meta.code, props.origin)
  const showTimer = () => clock.timer().state !== 'stopped' || clock.timer().durationMs > 0

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
    <main id="main" class="projector">
      <header class="projector-head">
        <div>
          <h1 class="projector-title">{view().meta.title}</h1>
          <Show when={view().item}>
            {(item) => <p class="projector-item">Now: {item().title}</p>}
          </Show>
        </div>
        <Show when={showTimer()}>
          <TimerReadout
            timer={clock.timer()}
            remaining={clock.remaining()}
            class="projector-timer"
          />
        </Show>
      </header>
      <section class="projector-stage" aria-label="Questions">
        <Show
          when={view().spotlight}
          fallback={
            <Show when={view().top.length === 0}>
              <p class="projector-empty">Ask your questions: scan the code or go to the link.</p>
            </Show>
          }
        >
          {(q) => (
            <figure class="projector-spotlight">
              <blockquote>
                <p>{q().text}</p>
              </blockquote>
              <figcaption>
                {authorLabel(q().authorName)} · {plural(q().votes, 'vote')}
              </figcaption>
            </figure>
          )}
        </Show>
        <Show when={view().top.length > 0}>
          <ol class="projector-top" classList={{ compact: view().spotlight !== undefined }}>
            <For each={view().top}>
              {(q) => (
                <li>
                  <span class="projector-votes">{q.votes}</span>
                  <span class="projector-q">{q.text}</span>
                </li>
              )}
            </For>
          </ol>
        </Show>
      </section>
      <aside class="projector-join" aria-label="How to join">
        <Show when={view().meta.code}>
          <QrImage text={link()} alt={`QR code for ${link()}`} class="projector-qr" />
          <p class="projector-join-text">
            Join at{' '}
            <strong>
              {link()
                .replace(/^https?:\/\//, '')
                .replace(/\/j\/.*$/, '/j')}
            </strong>
          </p>
          <p class="projector-code">{view().meta.code}</p>
          <p class="projector-count">{plural(participants(), 'participant')}</p>
        </Show>
      </aside>
      <Show when={!fullscreen()}>
        <button type="button" class="projector-fullscreen" onClick={enterFullscreen}>
          Full screen
        </button>
      </Show>
    </main>
  )
}
