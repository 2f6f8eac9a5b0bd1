/** The parts of Podium the status page reports on, in the order it lists them. */
export const Component = {
  sync: 'sync',
  database: 'database',
  redis: 'redis',
  signaling: 'signaling',
  turn: 'turn',
  mail: 'mail',
} as const
export type Component = (typeof Component)[keyof typeof Component]
export const COMPONENTS = Object.values(Component)

export const COMPONENT_NAMES: Record<Component, string> = {
  sync: 'Live sessions (sync)',
  database: 'Database',
  redis: 'Redis (several instances)',
  signaling: 'Video signaling',
  turn: 'TURN relay',
  mail: 'Mail queue',
}

/** What a check found. `not-configured`: this deployment does not use the component. */
export const State = {
  ok: 'ok',
  degraded: 'degraded',
  down: 'down',
  notConfigured: 'not-configured',
} as const
export type State = (typeof State)[keyof typeof State]

export interface ComponentCheck {
  component: Component
  state: State
  /** What a person reads next to the state. */
  detail: string
}

/** The page's headline: the worst state of any component in use. */
export function overall(checks: ComponentCheck[]): State {
  const states = checks.map((c) => c.state)
  if (states.includes(State.down)) return State.down
  if (states.includes(State.degraded)) return State.degraded
  return State.ok
}
