import type { RouteDefinition } from '@solidjs/router'
import { lazy } from 'solid-js'

/** The staff views (moderator console, host console, projector), mounted by the app's router. */
export const staffRoutes: RouteDefinition[] = [
  {
    path: '/s/:sessionId/moderate',
    component: lazy(() => import('../moderate/ModeratorPage.tsx')),
  },
  { path: '/s/:sessionId/host', component: lazy(() => import('../host/HostPage.tsx')) },
  {
    path: '/s/:sessionId/analytics',
    component: lazy(() => import('../analytics/AnalyticsPage.tsx')),
  },
  { path: '/s/:sessionId/present', component: lazy(() => import('../present/PresentPage.tsx')) },
]
