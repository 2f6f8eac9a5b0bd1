/**
 * What other packages may use of the sync-server: build a whole Podium from a config,
 * as `main.ts` does, with the signaling endpoints mounted on its port. Tests outside
 * sync-server start it through here, not through its internals.
 */
export { createPodium, type Podium, type PodiumOptions, type UpgradeHandler } from './app.ts'
export { type Config, ConfigError, loadConfig } from './config.ts'
// Domain events as the ingest records them: for tools and tests that script a session.
export { EventLog } from './events/log.ts'
export type { EventDraft } from './events/types.ts'
export type { Services } from './services.ts'
export { signalingOptions } from './signaling/mount.ts'
