import { ACCESS_REVOKED, type OpenedView, type Role, SIGNED_OUT } from '@podium/shared'
import {
  type Accessor,
  createEffect,
  createSignal,
  type JSX,
  Match,
  onCleanup,
  onMount,
  Show,
  Switch,
} from 'solid-js'
import { participantFromAccount } from '../../account/participants.ts'
import { messageOf } from '../../components/errors.ts'
import { accountAuth } from '../../lib/account.ts'
import { api } from '../../lib/api.ts'
import { type Identity, loadIdentity, saveIdentity } from '../../lib/identity.ts'
import { openSession, type SessionConnection } from '../../lib/session.ts'
import { scheme } from '../../styles/scheme.ts'
import { createOfflineEdits } from '../model/offline-edits.ts'
import { type PeerSync, startPeerSync } from '../model/peer-sync.ts'
import { roomFromConnection, type StaffRoom } from '../model/room.ts'
import './staff.css'

export interface StaffContext {
  identity: Identity
  /**
   * Changes this person's name in the session: the server answers with a token carrying
   * it, and the console opens again with it. Resolves to why it failed, or null.
   */
  rename(name: string): Promise<string | null>
  conn: SessionConnection
  /** Null for roles without the moderators' document. */
  room: StaffRoom | null
  peer: PeerSync | null
  /** Outbox entries plus staff edits not yet on the server. */
  unsynced: Accessor<number>
}

/** A full-page message (not signed in, wrong role, loading, refused). */
export function PageMessage(props: { title: string; children: JSX.Element; busy?: boolean }) {
  return (
    <main
      id="main"
      class="staff staff-message"
      data-theme={scheme()}
      aria-busy={props.busy ? 'true' : 'false'}
    >
      <div class="st-card">
        <h1>{props.title}</h1>
        {props.children}
      </div>
    </main>
  )
}

/**
 * Opens the session for a staff page: checks the identity stored on this device and
 * its role, connects (with the peer link for moderators), and shows loading and
 * error states until the session's documents are there.
 */
export function StaffGate(props: {
  sessionId: string
  roles: readonly Role[]
  /** Sync the staff documents peer to peer too (moderator and host consoles). */
  peer: boolean
  /** What the page shows, when analytics counts its openings (the projector). */
  view?: OpenedView
  children: (ctx: StaffContext) => JSX.Element
}) {
  const [identity, setIdentity] = createSignal(loadIdentity(props.sessionId))
  const rename = async (name: string): Promise<string | null> => {
    const current = identity()
    if (!current) return 'This device is not signed in to the session.'
    try {
      const renamed = await api.rename(current.sessionId, current.token, name)
      saveIdentity(renamed)
      setIdentity(renamed)
      return null
    } catch (error) {
      return messageOf(error)
    }
  }
  // Nothing stored here, but signed in: the account may hold a role in this session
  // (accepted on another device), and it is the same participant here.
  const [looking, setLooking] = createSignal(!identity())
  onMount(() => {
    if (identity()) return
    void participantFromAccount(accountAuth(), props.sessionId, api)
      .then((found) => {
        if (found && !identity()) setIdentity(found)
      })
      .finally(() => setLooking(false))
  })
  return (
    <Switch>
      <Match when={looking()}>
        <PageMessage title="Opening the session…" busy>
          <p role="status">Looking for your access to this session.</p>
        </PageMessage>
      </Match>
      <Match when={!identity()}>
        <NotSignedIn />
      </Match>
      <Match when={identity()} keyed>
        {(known) => (
          <Show when={props.roles.includes(known.role)} fallback={<WrongRole identity={known} />}>
            <Connected
              identity={known}
              rename={rename}
              peer={props.peer}
              view={props.view}
              children={props.children}
            />
          </Show>
        )}
      </Match>
    </Switch>
  )
}

function NotSignedIn() {
  return (
    <PageMessage title="This device has no access to this session">
      <ul class="ways-back">
        <li>
          <strong>You host it</strong>: open your private host link (the one the creation screen
          showed, or a newer one) on this device. Created it signed in? Sign in: your account keeps
          it.
        </li>
        <li>
          <strong>You help run it</strong>: open the invite link the host sent you, or sign in if
          you accepted it signed in.
        </li>
      </ul>
      <p>
        <a href="/">Go to the start page</a> ·{' '}
        <a href={`/signin?returnTo=${encodeURIComponent(window.location.pathname)}`}>Sign in</a>
      </p>
    </PageMessage>
  )
}

function WrongRole(props: { identity: Identity }) {
  return (
    <PageMessage title="This view is not for your role">
      <p>
        You are in this session as <strong>{props.identity.role}</strong>. Ask the host for an
        invite if you need more access.
      </p>
      <p>
        <a href={`/s/${encodeURIComponent(props.identity.sessionId)}`}>Open the session room</a>
      </p>
    </PageMessage>
  )
}

function Connected(props: {
  identity: Identity
  rename: StaffContext['rename']
  peer: boolean
  view: OpenedView | undefined
  children: (ctx: StaffContext) => JSX.Element
}) {
  const conn = openSession(props.identity, props.view ? { view: props.view } : {})
  onCleanup(() => conn.destroy())
  const room = roomFromConnection(conn)
  const peer =
    props.peer && room
      ? startPeerSync({
          identity: props.identity,
          docs: { public: room.pub.doc, mod: room.mod.doc },
          api,
        })
      : null
  onCleanup(() => peer?.stop())
  // Refused by the server (a withdrawn role, an expired token): no peer-to-peer sync either.
  createEffect(() => {
    if (conn.authError()) peer?.stop()
  })
  const docs = room ? [room.pub.doc, room.mod.doc] : []
  const offline = createOfflineEdits(docs, conn.status)
  onCleanup(() => offline.dispose())
  const ctx: StaffContext = {
    identity: props.identity,
    rename: props.rename,
    conn,
    room,
    peer,
    unsynced: () => conn.unsynced() + offline.count(),
  }

  return (
    <>
      <Show when={conn.refused()}>
        {(refused) => (
          <p class="error refused-write" role="alert">
            {refused().message}
          </p>
        )}
      </Show>
      <StaffGateSwitch conn={conn} ctx={ctx} children={props.children} />
    </>
  )
}

/** What the gate shows: the console, or why it cannot. */
function StaffGateSwitch(props: {
  conn: SessionConnection
  ctx: StaffContext
  children: (ctx: StaffContext) => JSX.Element
}) {
  const conn = props.conn
  return (
    <Switch fallback={props.children(props.ctx)}>
      <Match when={conn.authError() === SIGNED_OUT}>
        <PageMessage title="You were signed out on this device">
          <p>
            This device was signed out of your account (here, in another tab, or from another
            device), so the console closed. Edits made here stay on this device; sign in again to
            send them.
          </p>
          <p>
            <a href={`/signin?returnTo=${encodeURIComponent(window.location.pathname)}`}>
              Sign in again
            </a>
          </p>
        </PageMessage>
      </Match>
      <Match when={conn.authError()}>
        {(reason) => (
          <Show
            when={reason() === ACCESS_REVOKED}
            fallback={
              <PageMessage title="The server refused this session">
                <p>{reason()}</p>
                <p>Your access may have expired. Open your invite link again to get a fresh one.</p>
              </PageMessage>
            }
          >
            <PageMessage title="The host withdrew your access">
              <p>
                The host has revoked the invite that made you staff in this session, so this console
                is closed. If that was a mistake, ask them for a new invite; to take part as an
                attendee, join with the session code.
              </p>
            </PageMessage>
          </Show>
        )}
      </Match>
      <Match when={!conn.synced()}>
        <PageMessage title="Opening the session…" busy>
          <p role="status">
            {conn.status() === 'offline'
              ? 'You are offline and this session is not stored on this device yet. It opens as soon as the connection returns.'
              : 'Loading the session from the server.'}
          </p>
        </PageMessage>
      </Match>
    </Switch>
  )
}
