import { ALERT_RULES, type AlertSettings, AlertSettingsView } from '@podium/shared'
import { createSignal, For, onMount, Show } from 'solid-js'
import { messageOf } from '../components/errors.ts'
import type { Api } from '../lib/api.ts'

type Rule = (typeof ALERT_RULES)[number]
type Threshold = Exclude<keyof AlertSettings, 'off'>

/** Each rule in words, with the threshold it takes. */
const RULES: Record<
  Rule,
  { label: string; field: Threshold; unit: string; min: number; max: number }
> = {
  'participation-drop': {
    label: 'Participation falls by half',
    field: 'dropMinPeak',
    unit: 'from a peak of at least (people)',
    min: 2,
    max: 100_000,
  },
  'rejections-spike': {
    label: 'Many questions are rejected',
    field: 'spikeMinRejected',
    unit: 'at least (rejections in 5 minutes)',
    min: 2,
    max: 100_000,
  },
  'queue-age': {
    label: 'The moderation queue waits',
    field: 'queueAgeMinutes',
    unit: 'oldest question waiting (minutes)',
    min: 1,
    max: 240,
  },
  'poor-video': {
    label: 'Video is poor for many viewers',
    field: 'poorVideoPercent',
    unit: 'more than (% of quality reports)',
    min: 5,
    max: 95,
  },
}

/**
 * The host's alert rules for this session: each one on or off, with its threshold. Saved
 * with PUT /api/sessions/:id/analytics/alerts; the server says what it refuses.
 */
export function AlertRules(props: {
  sessionId: string
  token: () => string | Promise<string>
  api: Api
}) {
  const path = `/sessions/${encodeURIComponent(props.sessionId)}/analytics/alerts`
  const [view, setView] = createSignal<AlertSettingsView | null>(null)
  const [draft, setDraft] = createSignal<AlertSettings | null>(null)
  const [error, setError] = createSignal<string | null>(null)
  const [saved, setSaved] = createSignal<string | null>(null)
  const [busy, setBusy] = createSignal(false)

  onMount(async () => {
    try {
      const loaded = await props.api.get(path, await props.token(), AlertSettingsView)
      setView(loaded)
      setDraft(loaded.settings)
    } catch (cause) {
      setError(`The alert rules could not be read. ${messageOf(cause)}`)
    }
  })

  const toggle = (rule: Rule, on: boolean) =>
    setDraft((d) => d && { ...d, off: on ? d.off.filter((r) => r !== rule) : [...d.off, rule] })
  const setValue = (field: Threshold, value: number) =>
    setDraft((d) => d && { ...d, [field]: value })

  const save = async (event: SubmitEvent) => {
    event.preventDefault()
    const settings = draft()
    if (!settings) return
    setBusy(true)
    setError(null)
    setSaved(null)
    try {
      const answer = await props.api.put(path, settings, await props.token(), AlertSettingsView)
      setView(answer)
      setDraft(answer.settings)
      setSaved('Alert rules saved; they apply now.')
    } catch (cause) {
      setError(messageOf(cause))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="an-block an-rules" aria-labelledby="an-rules-h">
      <h3 id="an-rules-h">Alert rules</h3>
      <p class="an-hint">
        You get a banner here and a message when one holds, and again when it recovers.
      </p>
      <Show
        when={draft()}
        fallback={
          <Show when={!error()}>
            <p class="an-empty" aria-busy="true">
              Loading the alert rules…
            </p>
          </Show>
        }
      >
        {(d) => (
          <form onSubmit={(e) => void save(e)}>
            <For each={[...ALERT_RULES]}>
              {(rule) => {
                const r = RULES[rule]
                const id = `an-rule-${rule}`
                return (
                  <div class="an-rule">
                    <label class="an-rule-on">
                      <input
                        type="checkbox"
                        checked={!d().off.includes(rule)}
                        onChange={(e) => toggle(rule, e.currentTarget.checked)}
                      />
                      {r.label}
                    </label>
                    <label class="an-rule-value" for={id}>
                      {r.unit}
                    </label>
                    <input
                      id={id}
                      type="number"
                      inputmode="numeric"
                      min={r.min}
                      max={r.max}
                      step="1"
                      value={d()[r.field]}
                      disabled={d().off.includes(rule)}
                      onInput={(e) => setValue(r.field, e.currentTarget.valueAsNumber)}
                    />
                    <span class="an-hint">default {view()?.defaults[r.field]}</span>
                  </div>
                )
              }}
            </For>
            <button type="submit" class="an-button" disabled={busy()}>
              {busy() ? 'Saving…' : 'Save alert rules'}
            </button>
          </form>
        )}
      </Show>
      <Show when={error()}>
        <p class="an-error" role="alert">
          {error()}
        </p>
      </Show>
      <Show when={saved()}>
        <p class="an-saved" role="status">
          {saved()}
        </p>
      </Show>
    </section>
  )
}
