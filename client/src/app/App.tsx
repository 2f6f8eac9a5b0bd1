import { type RouteDefinition, Router } from '@solidjs/router'
import { lazy } from 'solid-js'
import RoomPage from '../room/RoomPage.tsx'
import { staffRoutes } from '../staff/shell/routes.tsx'
import { Layout } from './Layout.tsx'

/** Routes: landing, join by code, invite, sign-in and account, attendee room; the staff views add their own. */
export const routes: RouteDefinition[] = [
  { path: '/', component: lazy(() => import('../pages/Landing.tsx')) },
  // `/j` alone (an address read off a screen without its code) asks for the code.
  { path: '/j/:code?', component: lazy(() => import('../pages/JoinPage.tsx')) },
  { path: '/i/:invite', component: lazy(() => import('../pages/AcceptInvitePage.tsx')) },
  // A private host link: the host console on any device.
  { path: '/h/:token', component: lazy(() => import('../pages/HostLinkPage.tsx')) },
  { path: '/signin', component: lazy(() => import('../account/SignInPage.tsx')) },
  { path: '/me', component: lazy(() => import('../account/MySessionsPage.tsx')) },
  { path: '/account', component: lazy(() => import('../account/AccountPage.tsx')) },
  // The attendee room is in the first download (the page most visits end on, the join
  // page leads there): its code comes with the app's instead of after it has run.
  { path: '/s/:sessionId', component: RoomPage },
  ...staffRoutes,
  { path: '*404', component: lazy(() => import('../pages/NotFoundPage.tsx')) },
]

export function App() {
  return <Router root={Layout}>{routes}</Router>
}
