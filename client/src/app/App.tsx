import { type RouteDefinition, Router } from '@solidjs/router'
import { lazy } from 'solid-js'
import { staffRoutes } from '../staff/routes.tsx'
import { Layout } from './Layout.tsx'

/** Routes: landing, join by code, invite, attendee room; the staff views add their own. */
export const routes: RouteDefinition[] = [
  { path: '/', component: lazy(() => import('../pages/Landing.tsx')) },
  { path: '/j/:code', component: lazy(() => import('../pages/JoinPage.tsx')) },
  { path: '/i/:invite', component: lazy(() => import('../pages/AcceptInvitePage.tsx')) },
  { path: '/s/:sessionId', component: lazy(() => import('../room/RoomPage.tsx')) },
  ...staffRoutes,
  { path: '*404', component: lazy(() => import('../pages/NotFoundPage.tsx')) },
]

export function App() {
  return <Router root={Layout}>{routes}</Router>
}
