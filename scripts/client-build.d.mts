/** True when client/dist is at least as new as everything it is built from. */
export function clientIsCurrent(): boolean
/** Builds the client with the repository's vite.config.ts. */
export function buildClient(options?: { quiet?: boolean }): Promise<void>
