import type { Role, SessionStatus } from '@podium/shared'
import { A } from '@solidjs/router'
import { type JSX, Show } from 'solid-js'
import { nextTheme, setTheme, type Theme, theme } from '../../styles/theme.ts'
import { plural } from '../ui/format.ts'

const STATUS_LABEL: Record<SessionStatus, string> = {
  draft: 'Not live yet',
  live: 'Live',
  ended: 'Ended',
}

const THEME_LABEL: Record<Theme, string> = {
  auto: 'Theme: system',
  dark: 'Theme: dark',
  light: 'Theme: light',
}

export type StaffPage = 'moderate' | 'host' | 'analytics'

/** The bar above every staff console: title, state, navigation, connection. */
export function StaffHeader(props: {
  sessionId: string
  title: string
  status: SessionStatus
  participants: number
  role: Role
  /** This person's name (null: none given yet), and the form to change it. */
  name: string | null
  naming: boolean
  onName(): void
  page: StaffPage
  connection: JSX.Element
}) {
  const base = () => `/s/${encodeURIComponent(props.sessionId)}`
  return (
    <header class="staff-header">
      <div class="staff-title">
        <h1 dir="auto">{props.title || 'Untitled session'}</h1>
        <span class="session-status" data-status={props.status}>
          {STATUS_LABEL[props.status]}
        </span>
        <span class="participants">{plural(props.participants, 'participant')}</span>
      </div>
      <nav class="staff-nav" aria-label="Staff views">
        <A
          href={`${base()}/moderate`}
          aria-current={props.page === 'moderate' ? 'page' : undefined}
        >
          Moderate
        </A>
        <Show when={props.role === 'host' || props.role === 'presenter'}>
          <A href={`${base()}/host`} aria-current={props.page === 'host' ? 'page' : undefined}>
            {props.role === 'host' ? 'Host' : 'Agenda & timer'}
          </A>
        </Show>
        <Show when={props.role === 'host' || props.role === 'moderator'}>
          <A
            href={`${base()}/analytics`}
            aria-current={props.page === 'analytics' ? 'page' : undefined}
          >
            Analytics
          </A>
        </Show>
        <a href={`${base()}/present`} target="_blank" rel="noopener">
          Projector view<span class="visually-hidden"> (opens a new window)</span>
        </a>
      </nav>
      <div class="staff-tools">
        {props.connection}
        <button
          type="button"
          class="btn btn-quiet staff-you"
          aria-expanded={props.naming}
          onClick={() => props.onName()}
        >
          <Show when={props.name} fallback="Add your name">
            {(name) => (
              <>
                You: <span dir="auto">{name()}</span>
                <span class="visually-hidden"> (change your name)</span>
              </>
            )}
          </Show>
        </button>
        <button
          type="button"
          class="btn btn-quiet"
          onClick={() => setTheme(nextTheme(theme()))}
          title="Switch between system, dark and light themes"
        >
          {THEME_LABEL[theme()]}
        </button>
      </div>
    </header>
  )
}
