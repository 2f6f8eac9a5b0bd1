import type { RouteDefinition } from '@solidjs/router'

/** The staff views (moderator console, host console, projector), mounted by the app's router. */
export const staffRoutes: RouteDefinition[] = []
