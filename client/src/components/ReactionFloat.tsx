import { REACTIONS, type ReactionCounts } from '@podium/shared'
import { createEffect, createSignal, For, on } from 'solid-js'
import './reactions.css'

/** At most this many emoji float up per reaction per window, however many were sent. */
const MAX_PER_REACTION = 8
const FLOAT_MS = 2_400

interface Bubble {
  key: number
  emoji: string
  left: number
  delay: number
}

let nextKey = 0

/**
 * Each new window's reactions as emoji floating up (a few per reaction, more for more),
 * decorative: the counts beside them say the same in text. Without motion (the user's
 * setting), the stylesheet keeps them still and short-lived.
 */
export function ReactionFloat(props: { window: { second: number; counts: ReactionCounts } }) {
  const [bubbles, setBubbles] = createSignal<Bubble[]>([])
  createEffect(
    on(
      () => props.window.second,
      () => {
        const fresh: Bubble[] = []
        for (const r of REACTIONS) {
          const n = props.window.counts[r.id] ?? 0
          const shown = Math.min(MAX_PER_REACTION, Math.ceil(Math.log2(n + 1)))
          for (let i = 0; i < shown; i++)
            fresh.push({
              key: nextKey++,
              emoji: r.emoji,
              left: Math.round(Math.random() * 90),
              delay: Math.round(Math.random() * 600),
            })
        }
        if (fresh.length === 0) return
        setBubbles((b) => [...b, ...fresh].slice(-60))
        const keys = new Set(fresh.map((b) => b.key))
        setTimeout(() => setBubbles((b) => b.filter((x) => !keys.has(x.key))), FLOAT_MS + 700)
      },
      { defer: true },
    ),
  )
  return (
    <div class="reaction-float" aria-hidden="true">
      <For each={bubbles()}>
        {(b) => (
          <span
            class="reaction-bubble"
            style={{ left: `${b.left}%`, 'animation-delay': `${b.delay}ms` }}
          >
            {b.emoji}
          </span>
        )}
      </For>
    </div>
  )
}

/** The counts as text: per reaction, this second's and the session's. */
export function ReactionTally(props: {
  window: { counts: ReactionCounts }
  totals: ReactionCounts
  class?: string
}) {
  return (
    <p class={`reaction-tally ${props.class ?? ''}`}>
      <For each={REACTIONS}>
        {(r) => (
          <span class="reaction-count">
            <span aria-hidden="true">{r.emoji}</span>
            <span class="visually-hidden">{r.label}</span>{' '}
            <strong data-reaction={r.id}>{props.totals[r.id] ?? 0}</strong>
            <span class="reaction-now">
              {(props.window.counts[r.id] ?? 0) > 0 ? ` +${props.window.counts[r.id]}` : ''}
            </span>
          </span>
        )}
      </For>
    </p>
  )
}
