import { createSignal, Show } from 'solid-js'
import { ErrorNotice } from '../components/ErrorNotice.tsx'
import { messageOf } from '../components/errors.ts'
import type { AccountAuth } from '../lib/account.ts'
import type { Api } from '../lib/api.ts'
import { saveJson } from '../lib/download.ts'
import { collectMyData } from './my-data.ts'

/** "Download my data": one JSON file of the account and its sessions (see my-data.ts). */
export function MyDataPanel(props: { api: Api; auth: AccountAuth }) {
  const [progress, setProgress] = createSignal<{ done: number; total: number } | null>(null)
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal<string | null>(null)
  const [saved, setSaved] = createSignal<string | null>(null)

  const download = async () => {
    setBusy(true)
    setError(null)
    setSaved(null)
    try {
      const data = await collectMyData(props.auth, props.api, (done, total) =>
        setProgress({ done, total }),
      )
      const day = data.exportedAt.slice(0, 10)
      saveJson(data, `podium-my-data-${day}.json`)
      const exported = data.sessions.filter((s) => s.export !== null).length
      setSaved(
        `Saved your account, ${data.devices.length} ${data.devices.length === 1 ? 'device' : 'devices'} and ${data.sessions.length} ${data.sessions.length === 1 ? 'session' : 'sessions'}, ${exported} of them with their full export.`,
      )
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
      setProgress(null)
    }
  }

  return (
    <section class="card" aria-labelledby="data-heading">
      <h2 id="data-heading">Your data</h2>
      <p>
        One JSON file with your account, your devices, every session you took part in and your role
        there, and the full export of each session you host or moderate.
      </p>
      <p class="hint">
        For sessions you attended, Podium does not hand out the whole session: the file holds what
        you asked, replied, voted and answered there, and where each of them stands.
      </p>
      <button type="button" class="button" disabled={busy()} onClick={() => void download()}>
        {busy()
          ? progress()
            ? `Collecting ${Math.min(progress()!.done + 1, progress()!.total)} of ${progress()!.total}…`
            : 'Collecting…'
          : 'Download my data'}
      </button>
      <ErrorNotice message={error()} />
      <Show when={saved()}>
        <p class="notice notice-ok" role="status">
          {saved()}
        </p>
      </Show>
    </section>
  )
}
