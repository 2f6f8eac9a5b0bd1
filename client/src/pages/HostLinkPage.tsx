import { A, useNavigate, useParams } from '@solidjs/router'
import { createEffect, createResource, Match, Switch } from 'solid-js'
import { homeFor, paths } from '../app/paths.ts'
import { messageOf } from '../components/errors.ts'
import { type Api, ApiError, api as defaultApi } from '../lib/api.ts'
import { saveIdentity } from '../lib/identity.ts'
import { tokenClaims } from '../lib/token-claims.ts'

/** Why a host link did not open the console, in words for the person holding it. */
function refusal(error: unknown): { title: string; text: string; retry?: boolean } {
  const status = error instanceof ApiError ? error.status : -1
  switch (status) {
    case 400:
      return {
        title: 'This host link is incomplete',
        text: 'Part of the link is missing or changed, often because it was cut off when copied. Copy the whole link again from where you kept it.',
      }
    case 404:
      return {
        title: 'This host link does not work',
        text: 'No session has this host link: it may have been mistyped, or the session was deleted.',
      }
    case 410:
      return {
        title: 'This host link was replaced',
        text: 'A newer host link was made for this session, so this one no longer works. Use the newest link, or ask whoever made it.',
      }
    case 0:
      return {
        title: 'Cannot reach the server',
        text: 'Opening a host link needs a connection to the server. Check your connection and try again.',
        retry: true,
      }
    default:
      return { title: 'This host link cannot be used now', text: messageOf(error), retry: true }
  }
}

/**
 * `/h/<token>`: a private host link. Exchanged with the server for the host's access, which
 * is kept on this device; then the host console opens (the link leaves the history).
 */
export default function HostLinkPage(props: { api?: Api }) {
  const api = props.api ?? defaultApi
  const params = useParams<{ token: string }>()
  const navigate = useNavigate()
  const [opened, { refetch }] = createResource(
    () => params.token ?? '',
    (token) => api.openHostLink(token),
  )
  // Opened: the access is kept here, and the console replaces the link in the history.
  createEffect(() => {
    const host = opened.error ? undefined : opened()
    if (!host) return
    saveIdentity({
      sessionId: host.id,
      userId: host.hostUserId,
      token: host.hostToken,
      role: 'host',
      name: tokenClaims(host.hostToken)?.name ?? null,
    })
    navigate(homeFor('host', host.id), { replace: true })
  })

  return (
    <main id="main" class="page page-narrow">
      <section class="card" aria-labelledby="host-link-heading" aria-busy={opened.loading}>
        <Switch>
          <Match when={opened.loading}>
            <h1 id="host-link-heading">Opening the host console…</h1>
            <p role="status">Checking your host link with the server.</p>
          </Match>
          <Match when={opened.error}>
            {(() => {
              const why = refusal(opened.error)
              return (
                <>
                  <h1 id="host-link-heading">{why.title}</h1>
                  <p>{why.text}</p>
                  <p class="hint">
                    If you created the session signed in, sign in instead: your account keeps it.
                  </p>
                  <p class="button-row">
                    {why.retry ? (
                      <button type="button" class="button button-primary" onClick={refetch}>
                        Try again
                      </button>
                    ) : null}
                    <A class="button" href={paths.signIn(paths.mySessions())}>
                      Sign in
                    </A>
                    <A class="button" href={paths.landing()}>
                      Go to the start page
                    </A>
                  </p>
                </>
              )
            })()}
          </Match>
          <Match when={opened()}>
            <h1 id="host-link-heading">Opening the host console…</h1>
          </Match>
        </Switch>
      </section>
    </main>
  )
}
