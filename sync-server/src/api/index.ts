import type { FastifyInstance } from 'fastify'
import { accountGate } from '../auth/account-access.ts'
import type { Services } from '../services.ts'
import { guardTokenRoutes } from './access.ts'
import { analyticsRoutes } from './analytics.ts'
import { auditLogRoutes } from './audit-log.ts'
import { billingRoutes } from './billing.ts'
import { checkpointRoutes } from './checkpoints.ts'
import { clientErrorRoutes } from './client-errors.ts'
import { exportRoutes } from './export.ts'
import { followRoutes } from './follows.ts'
import { handRoutes } from './hands.ts'
import { hostLinkRoutes } from './host-links.ts'
import { identityRateLimit } from './identity-limit.ts'
import { importRoutes } from './import.ts'
import { inviteRoutes } from './invites.ts'
import { mailFeedbackRoutes } from './mail-feedback.ts'
import { meRoutes } from './me.ts'
import { notificationSettingsRoutes } from './notification-settings.ts'
import { participantRoutes } from './participant.ts'
import { phoneRoutes } from './phone.ts'
import { pollRoutes } from './polls.ts'
import { previewRoutes } from './preview.ts'
import { pushSubscriptionRoutes } from './push-subscriptions.ts'
import { rateLimits } from './rate-limits.ts'
import { scheduleRoutes } from './schedule.ts'
import { sessionControlRoutes } from './session-control.ts'
import { sessionNotificationRoutes } from './session-notifications.ts'
import { sessionRoutes } from './sessions.ts'
import { signInRoutes } from './sign-in.ts'
import { staffRoutes } from './staff.ts'
import { statusIncidentRoutes } from './status-incidents.ts'
import { stripeWebhookRoutes } from './stripe-webhook.ts'
import { ticketRoutes } from './tickets.ts'
import { timeRoutes } from './time.ts'
import { unsubscribeRoutes } from './unsubscribe.ts'

/** Every route under /api. Each module registers one concern's routes. */
export async function registerApi(api: FastifyInstance, services: Services) {
  // First: these guard and limit routes as they are registered.
  await rateLimits(api, services)
  guardTokenRoutes(api, services.config.tokenSecret, accountGate(services))
  await identityRateLimit(api, services)
  await signInRoutes(api, services)
  await meRoutes(api, services)
  await sessionRoutes(api, services)
  await sessionControlRoutes(api, services)
  await hostLinkRoutes(api, services)
  await previewRoutes(api, services)
  await pollRoutes(api, services)
  await inviteRoutes(api, services)
  await staffRoutes(api, services)
  await participantRoutes(api, services)
  await exportRoutes(api, services)
  await importRoutes(api, services)
  await checkpointRoutes(api, services)
  await auditLogRoutes(api, services)
  await handRoutes(api, services)
  await analyticsRoutes(api, services)
  await scheduleRoutes(api, services)
  await followRoutes(api, services)
  await notificationSettingsRoutes(api, services)
  await pushSubscriptionRoutes(api, services)
  await phoneRoutes(api, services)
  await unsubscribeRoutes(api, services)
  await mailFeedbackRoutes(api, services)
  await sessionNotificationRoutes(api, services)
  await ticketRoutes(api, services)
  await billingRoutes(api, services)
  await stripeWebhookRoutes(api, services)
  await timeRoutes(api)
  await clientErrorRoutes(api, services)
  await statusIncidentRoutes(api, services)
}
