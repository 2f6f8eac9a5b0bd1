import { createSignal, For, Show } from 'solid-js'
import { messageOf } from '../components/errors.ts'
import type { Api } from '../lib/api.ts'

const EXPORTS = [
  { of: 'rollups', format: 'csv', label: 'Per minute, CSV' },
  { of: 'rollups', format: 'json', label: 'Per minute, JSON' },
  { of: 'events', format: 'csv', label: 'Every event, CSV' },
  { of: 'events', format: 'json', label: 'Every event, JSON' },
] as const

/** The host's analytics downloads: the per-minute figures or the raw events, CSV or JSON. */
export function ExportButtons(props: {
  sessionId: string
  token: () => string | Promise<string>
  api: Api
}) {
  const [busy, setBusy] = createSignal<string | null>(null)
  const [error, setError] = createSignal<string | null>(null)
  const download = async (of: string, format: string) => {
    setBusy(`${of}.${format}`)
    setError(null)
    try {
      await props.api.download(
        `/api/sessions/${encodeURIComponent(props.sessionId)}/analytics/export.${format}?of=${of}`,
        await props.token(),
      )
    } catch (cause) {
      setError(`The download failed. ${messageOf(cause)}`)
    } finally {
      setBusy(null)
    }
  }
  return (
    <fieldset class="an-exports">
      <legend class="an-exports-label">Download analytics</legend>
      <For each={EXPORTS}>
        {(e) => (
          <button
            type="button"
            class="an-button"
            disabled={busy() !== null}
            aria-busy={busy() === `${e.of}.${e.format}` ? 'true' : undefined}
            onClick={() => void download(e.of, e.format)}
          >
            {busy() === `${e.of}.${e.format}` ? 'Preparing…' : e.label}
          </button>
        )}
      </For>
      <Show when={error()}>
        <p class="an-error" role="alert">
          {error()}
        </p>
      </Show>
    </fieldset>
  )
}
