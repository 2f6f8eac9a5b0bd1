import type { SessionSettings } from '@podium/shared'
import { Limits, SessionSettings as SettingsSchema } from '@podium/shared'
import { createMemo, createSignal, Show } from 'solid-js'
import type { StaffRoom } from '../model/room.ts'

type Toggle = 'preModeration' | 'anonymousQuestions' | 'qaOpen'

const TOGGLES: ReadonlyArray<{ key: Toggle; label: string; hint: string }> = [
  {
    key: 'qaOpen',
    label: 'Q&A open',
    hint: 'Attendees may ask, reply and vote. Closing keeps what is there.',
  },
  {
    key: 'preModeration',
    label: 'Review questions before they are published',
    hint: 'New questions and replies wait in the moderators’ queue.',
  },
  {
    key: 'anonymousQuestions',
    label: 'Allow anonymous questions',
    hint: 'Attendees may post without their name.',
  },
]

const MIN_LENGTH = SettingsSchema.shape.maxQuestionLength.minValue ?? 20

/** The session's settings, written straight into the public document. */
export function SettingsPanel(props: { room: StaffRoom }) {
  const settings = createMemo<SessionSettings>(() => {
    props.room.version()
    return props.room.pub.settings()
  })
  const [lengthError, setLengthError] = createSignal<string | null>(null)

  const setLength = (input: HTMLInputElement) => {
    const parsed = SettingsSchema.shape.maxQuestionLength.safeParse(Number(input.value))
    if (!input.value.trim() || !parsed.success) {
      setLengthError(`Enter a whole number from ${MIN_LENGTH} to ${Limits.questionLengthCeiling}.`)
      return
    }
    setLengthError(null)
    props.room.pub.setSettings({ maxQuestionLength: parsed.data })
  }

  return (
    <section class="panel settings" aria-labelledby="settings-heading">
      <h2 id="settings-heading">Settings</h2>
      <ul class="toggles">
        {TOGGLES.map((toggle) => (
          <li>
            <label class="toggle">
              <input
                type="checkbox"
                checked={settings()[toggle.key]}
                onChange={(e) =>
                  props.room.pub.setSettings({ [toggle.key]: e.currentTarget.checked })
                }
                aria-describedby={`setting-${toggle.key}-hint`}
              />
              <span>{toggle.label}</span>
            </label>
            <p class="st-hint" id={`setting-${toggle.key}-hint`}>
              {toggle.hint}
            </p>
          </li>
        ))}
      </ul>
      <label class="st-field">
        <span>Longest question (characters)</span>
        <input
          type="number"
          min={MIN_LENGTH}
          max={Limits.questionLengthCeiling}
          step="1"
          value={settings().maxQuestionLength}
          aria-invalid={lengthError() ? 'true' : 'false'}
          aria-describedby="setting-length-error"
          onChange={(e) => setLength(e.currentTarget)}
        />
      </label>
      <Show when={lengthError()}>
        <p class="error" id="setting-length-error" role="alert">
          {lengthError()}
        </p>
      </Show>
    </section>
  )
}
