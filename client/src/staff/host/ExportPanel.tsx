import { CreateSessionResponse } from '@podium/shared'
import { createSignal, Show } from 'solid-js'
import { ApiError, api } from '../../lib/api.ts'
import { saveIdentity } from '../../lib/identity.ts'
import type { StaffRoom } from '../model/room.ts'

const message = (cause: unknown, fallback: string) =>
  cause instanceof ApiError ? cause.message : fallback

/** Download the session as JSON or CSV; import an export as a new session. */
export function ExportPanel(props: { room: StaffRoom }) {
  const [busy, setBusy] = createSignal<'json' | 'csv' | 'import' | null>(null)
  const [error, setError] = createSignal<string | null>(null)
  const [imported, setImported] = createSignal<{ id: string; code: string } | null>(null)
  let fileInput: HTMLInputElement | undefined

  const download = async (format: 'json' | 'csv') => {
    setBusy(format)
    setError(null)
    try {
      await api.download(
        `/api/sessions/${encodeURIComponent(props.room.sessionId)}/export.${format}`,
        props.room.token,
      )
    } catch (cause) {
      setError(message(cause, 'The export could not be downloaded. Try again.'))
    } finally {
      setBusy(null)
    }
  }

  const importFile = async (event: Event) => {
    event.preventDefault()
    const file = fileInput?.files?.[0]
    if (!file) {
      setError('Choose an export file (.json) first.')
      return
    }
    setBusy('import')
    setError(null)
    setImported(null)
    try {
      let body: unknown
      try {
        body = JSON.parse(await file.text())
      } catch {
        throw new Error('That file is not a Podium JSON export.')
      }
      // Like creating a session, importing needs no token: the new session gets its own host.
      const created = await api.post('/api/sessions/import', body, null, CreateSessionResponse)
      saveIdentity({
        sessionId: created.id,
        userId: created.hostUserId,
        token: created.hostToken,
        role: 'host',
        name: props.room.actor.name,
      })
      setImported({ id: created.id, code: created.code })
      if (fileInput) fileInput.value = ''
    } catch (cause) {
      setError(
        cause instanceof ApiError
          ? cause.message
          : cause instanceof Error
            ? cause.message
            : 'The import failed. Try again.',
      )
    } finally {
      setBusy(null)
    }
  }

  return (
    <section class="panel export" aria-labelledby="export-heading">
      <h2 id="export-heading">Export and import</h2>
      <div class="row">
        <button
          type="button"
          class="btn"
          disabled={busy() !== null}
          onClick={() => download('json')}
        >
          {busy() === 'json' ? 'Preparing…' : 'Download JSON'}
        </button>
        <button
          type="button"
          class="btn"
          disabled={busy() !== null}
          onClick={() => download('csv')}
        >
          {busy() === 'csv' ? 'Preparing…' : 'Download CSV'}
        </button>
      </div>
      <p class="st-hint">
        JSON holds the whole session and can be imported again; CSV opens in spreadsheets.
      </p>
      <form class="row" onSubmit={importFile}>
        <label class="st-field">
          <span>Import a JSON export as a new session</span>
          <input ref={fileInput} type="file" accept="application/json,.json" />
        </label>
        <button type="submit" class="btn" disabled={busy() !== null}>
          {busy() === 'import' ? 'Importing…' : 'Import'}
        </button>
      </form>
      <Show when={imported()}>
        {(session) => (
          <p class="success" role="status">
            Imported as a new session (code {session().code}).{' '}
            <a href={`/s/${encodeURIComponent(session().id)}/host`}>Open its host console</a>
          </p>
        )}
      </Show>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
    </section>
  )
}
