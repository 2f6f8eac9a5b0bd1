import { type InvitePreview, Limits } from '@podium/shared'
import { A, useNavigate, useParams } from '@solidjs/router'
import { createResource, createSignal, Match, Switch } from 'solid-js'
import { homeFor, paths } from '../app/paths.ts'
import { ErrorNotice } from '../components/ErrorNotice.tsx'
import { messageOf } from '../components/errors.ts'
import { accountAuth } from '../lib/account.ts'
import { api } from '../lib/api.ts'
import { saveIdentity } from '../lib/identity.ts'

const ROLE_TEXT: Record<InvitePreview['role'], { verb: string; does: string }> = {
  moderator: {
    verb: 'moderate',
    does: 'As a moderator you review the questions attendees send, put them on screen and reply to them.',
  },
  presenter: {
    verb: 'present at',
    does: 'As a presenter you run the stage, the agenda and the timer, and may go on the video stage.',
  },
}

/** `/i/<invite>`: a signed invitation to moderate or present, named before it is accepted. */
export default function AcceptInvitePage() {
  const params = useParams<{ invite: string }>()
  const navigate = useNavigate()
  const [preview] = createResource(() => params.invite ?? '', api.previewInvite)
  const [name, setName] = createSignal('')
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal<string | null>(null)

  const accept = async (event: SubmitEvent) => {
    event.preventDefault()
    const trimmed = name().trim()
    if (!trimmed) {
      setError('Enter your name: attendees and the other staff see it.')
      return
    }
    setBusy(true)
    setError(null)
    try {
      const identity = await api.acceptInvite(
        { invite: params.invite ?? '', name: trimmed },
        await accountAuth().tokenIfSignedIn(),
      )
      saveIdentity(identity)
      navigate(homeFor(identity.role, identity.sessionId), { replace: true })
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <main id="main" class="page page-narrow">
      <section class="card" aria-labelledby="invite-heading" aria-busy={preview.loading}>
        <Switch>
          <Match when={preview.loading}>
            <h1 id="invite-heading">Opening your invitation…</h1>
          </Match>
          <Match when={preview.error}>
            <h1 id="invite-heading">This invitation cannot be used</h1>
            <p>{messageOf(preview.error)}</p>
            <p>
              <A class="button" href={paths.landing()}>
                Go to the start page
              </A>
            </p>
          </Match>
          <Match when={preview()}>
            {(invite) => (
              <>
                <h1 id="invite-heading">
                  You are invited to {ROLE_TEXT[invite().role].verb}{' '}
                  <span dir="auto">“{invite().title}”</span>
                </h1>
                <p>{ROLE_TEXT[invite().role].does}</p>
                <form onSubmit={accept} novalidate>
                  <label class="field">
                    <span>Your name</span>
                    <input
                      dir="auto"
                      name="name"
                      value={name()}
                      onInput={(e) => setName(e.currentTarget.value)}
                      maxLength={Limits.nameLength}
                      autocomplete="name"
                      required
                      aria-describedby={`invite-name-hint${error() ? ' invite-error' : ''}`}
                    />
                    <small id="invite-name-hint" class="hint">
                      Attendees see this name on your replies, and the other staff in the history of
                      what was done. You can change it later.
                    </small>
                  </label>
                  <ErrorNotice id="invite-error" message={error()} />
                  <button class="button button-primary" type="submit" disabled={busy()}>
                    {busy() ? 'Accepting…' : 'Accept invitation'}
                  </button>
                </form>
              </>
            )}
          </Match>
        </Switch>
      </section>
    </main>
  )
}
