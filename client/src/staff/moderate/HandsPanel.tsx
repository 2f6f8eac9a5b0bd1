import { HandsDoc, type RaisedHand } from '@podium/shared'
import { createMemo, createSignal, For, Show } from 'solid-js'
import { callOn, lowerHand } from '../model/hands.ts'
import type { StaffRoom } from '../model/room.ts'

/** How long someone has waited, in words: "just now", "45 s", "3 min". */
export function waited(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  if (s < 5) return 'just now'
  if (s < 60) return `${s} s`
  const min = Math.floor(s / 60)
  return min < 60 ? `${min} min` : `${Math.floor(min / 60)} h ${min % 60} min`
}

/** The first hand still waiting (what the `c` shortcut calls on), or null. */
export function nextHand(room: StaffRoom): RaisedHand | null {
  return new HandsDoc(room.mod.doc).queue().find((h) => h.calledAt === null) ?? null
}

/**
 * Raised hands, longest waiting first, each with how long it has waited; "Call on" marks
 * one (and invites them to the video stage when it is on), "Lower" takes it down.
 */
export function HandsPanel(props: { room: StaffRoom; now: number; say(text: string): void }) {
  const hands = createMemo(() => {
    props.room.version()
    return new HandsDoc(props.room.mod.doc).queue()
  })
  const [busy, setBusy] = createSignal<string | null>(null)
  const run = async (userId: string, action: () => Promise<string>) => {
    setBusy(userId)
    try {
      props.say(await action())
    } finally {
      setBusy(null)
    }
  }
  const waiting = () => hands().filter((h) => h.calledAt === null).length
  return (
    <section class="panel hands" aria-labelledby="hands-heading">
      <h2 id="hands-heading">
        Raised hands <span class="count">{waiting()}</span>
      </h2>
      <Show when={hands().length > 0} fallback={<p class="st-hint">No hands raised.</p>}>
        <ol class="hands-list">
          <For each={hands()}>
            {(hand) => (
              <li class="hand-row" classList={{ 'hand-called': hand.calledAt !== null }}>
                <span class="hand-name" dir="auto">
                  {hand.name ?? 'Anonymous attendee'}
                </span>
                <span class="hand-wait">
                  {hand.calledAt === null
                    ? `waiting ${waited(props.now - hand.raisedAt)}`
                    : `called on ${waited(props.now - hand.calledAt)} ago`}
                </span>
                <span class="hand-actions">
                  <Show when={hand.calledAt === null}>
                    <button
                      type="button"
                      class="btn btn-primary"
                      disabled={busy() === hand.userId}
                      onClick={() =>
                        run(hand.userId, () => callOn(props.room, hand.userId, hand.name))
                      }
                    >
                      Call on<span class="visually-hidden"> {hand.name ?? 'this attendee'}</span>
                    </button>
                  </Show>
                  <button
                    type="button"
                    class="btn btn-quiet"
                    disabled={busy() === hand.userId}
                    onClick={() =>
                      run(hand.userId, () => lowerHand(props.room, hand.userId, hand.name))
                    }
                  >
                    Lower
                    <span class="visually-hidden"> the hand of {hand.name ?? 'this attendee'}</span>
                  </button>
                </span>
              </li>
            )}
          </For>
        </ol>
      </Show>
    </section>
  )
}
