import { createSignal, Show } from 'solid-js'
import { CountedTextarea, textLength } from '../components/CountedTextarea.tsx'
import { announce } from './announce.ts'
import { derive, sameJson, useRoom } from './context.ts'
import { qaClosedReason } from './qa-state.ts'

/** Ask a question: counter against the session's limit, anonymous where the host allows it. */
export function AskBox() {
  const room = useRoom()
  const settings = derive(room, () => room.public.settings(), sameJson)
  const closed = derive(room, () => qaClosedReason(room.public))
  const [text, setText] = createSignal('')
  const [anonymous, setAnonymous] = createSignal(false)

  // Someone who joined without a name is anonymous anyway: no toggle to offer.
  const offerAnonymous = () => settings().anonymousQuestions && room.identity.name !== null
  const length = () => textLength(text().trim())
  const canSend = () => !closed() && length() > 0 && length() <= settings().maxQuestionLength

  const submit = (event: SubmitEvent) => {
    event.preventDefault()
    if (!canSend()) return
    room.outbox.ask(text().trim(), offerAnonymous() && anonymous())
    setText('')
    // Anonymity is chosen for one question, not for the rest of the session.
    setAnonymous(false)
    const reviewed = settings().preModeration ? ' A moderator reviews it before it is listed.' : ''
    announce(
      room.status() === 'online'
        ? `Question sent.${reviewed}`
        : `Question saved on this device. It will be sent when you are back online.${reviewed}`,
    )
  }

  return (
    <section class="card ask" aria-labelledby="ask-heading">
      <h2 id="ask-heading">Ask a question</h2>
      <form onSubmit={submit}>
        <CountedTextarea
          label="Your question"
          name="question"
          value={text()}
          onInput={setText}
          max={settings().maxQuestionLength}
          disabled={!!closed()}
          describedBy={
            closed() ? 'ask-closed' : settings().preModeration ? 'ask-reviewed' : undefined
          }
        />
        <Show when={!closed() && settings().preModeration}>
          <p id="ask-reviewed" class="hint">
            A moderator reviews each question before it appears in the list. Until then only you see
            it, under “Your questions not in the list yet”.
          </p>
        </Show>
        <Show when={closed()}>
          {(reason) => (
            <p id="ask-closed" class="notice">
              {reason()}
            </p>
          )}
        </Show>
        <div class="form-row">
          <Show when={offerAnonymous()}>
            <label class="check">
              <input
                type="checkbox"
                name="anonymous"
                checked={anonymous()}
                onChange={(e) => setAnonymous(e.currentTarget.checked)}
                disabled={!!closed()}
              />
              Ask anonymously
            </label>
          </Show>
          <button class="button button-primary" type="submit" disabled={!canSend()}>
            Send question
          </button>
        </div>
      </form>
    </section>
  )
}
