import { ANALYTICS_COMPARE_MAX, AnalyticsComparison, type MySession } from '@podium/shared'
import { createSignal, For, Show } from 'solid-js'
import { CompareTable } from '../analytics/CompareTable.tsx'
import { ErrorNotice } from '../components/ErrorNotice.tsx'
import { messageOf } from '../components/errors.ts'
import type { AccountAuth } from '../lib/account.ts'
import type { Api } from '../lib/api.ts'

/** Pick sessions the account hosts and see their figures side by side. */
export function CompareSessions(props: { api: Api; auth: AccountAuth; sessions: MySession[] }) {
  const [picked, setPicked] = createSignal<string[]>([])
  const [result, setResult] = createSignal<AnalyticsComparison | null>(null)
  const [error, setError] = createSignal<string | null>(null)
  const [busy, setBusy] = createSignal(false)

  const toggle = (id: string, on: boolean) =>
    setPicked((ids) => (on ? [...ids, id] : ids.filter((x) => x !== id)))

  const compare = async (event: SubmitEvent) => {
    event.preventDefault()
    const ids = props.sessions.map((s) => s.id).filter((id) => picked().includes(id))
    if (ids.length === 0) {
      setError('Pick at least one session to compare.')
      return
    }
    if (ids.length > ANALYTICS_COMPARE_MAX) {
      setError(`Pick at most ${ANALYTICS_COMPARE_MAX} sessions.`)
      return
    }
    setBusy(true)
    setError(null)
    try {
      setResult(
        await props.api.get(
          `/analytics/compare?sessions=${ids.map(encodeURIComponent).join(',')}`,
          await props.auth.accessToken(),
          AnalyticsComparison,
        ),
      )
    } catch (cause) {
      setError(`The comparison could not be made. ${messageOf(cause)}`)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Show when={props.sessions.length > 1}>
      <section class="card card-wide" aria-labelledby="compare-heading">
        <h2 id="compare-heading">Compare sessions</h2>
        <form onSubmit={compare} novalidate>
          <fieldset class="compare-pick">
            <legend>Sessions you host</legend>
            <For each={props.sessions}>
              {(session) => (
                <label class="check">
                  <input
                    type="checkbox"
                    checked={picked().includes(session.id)}
                    onChange={(e) => toggle(session.id, e.currentTarget.checked)}
                  />
                  <span dir="auto">{session.title}</span>
                </label>
              )}
            </For>
          </fieldset>
          <div class="button-row">
            <button class="button button-primary" type="submit" disabled={busy()}>
              {busy() ? 'Comparing…' : 'Compare'}
            </button>
          </div>
        </form>
        <ErrorNotice message={error()} />
        <Show when={result()}>{(comparison) => <CompareTable comparison={comparison()} />}</Show>
      </section>
    </Show>
  )
}
