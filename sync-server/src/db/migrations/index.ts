import type { Migration, MigrationProvider } from 'kysely/migration'
import { initial } from './0001_initial.ts'
import { inviteAcceptanceImportedVotes } from './0002_invite_acceptance_imported_votes.ts'
import { auditLog } from './0003_audit_log.ts'
import { ingestedEntry } from './0006_ingested_entry.ts'
import { domainEvents } from './0007_domain_events.ts'
import { accounts } from './0008_accounts.ts'
import { analytics } from './0009_analytics.ts'
import { notifications } from './0010_notifications.ts'
import { billing } from './0011_billing.ts'
import { hostLinks } from './0012_host_links.ts'
import { reactions } from './0013_reactions.ts'
import { pollAnswers } from './0014_poll_answers.ts'
import { status } from './0015_status.ts'
import { analyticsVideoQueue } from './0016_analytics_video_queue.ts'
import { ticketCheckouts } from './0017_ticket_checkouts.ts'
import { voteVersions } from './0018_vote_versions.ts'
import { recordings } from './0019_recordings.ts'
import { analyticsOpens } from './0020_analytics_opens.ts'
import { analyticsDelayIndexes } from './0021_analytics_delay_indexes.ts'
import { analyticsSessionEngagement } from './0022_analytics_session_engagement.ts'
import type { DialectName } from './types.ts'

export type { DialectName } from './types.ts'

/**
 * Versioned migrations, one file each, applied in name order at start. A shipped one is
 * never edited: a change is a new file with the next number, listed here.
 */
export function migrations(dialect: DialectName): Record<string, Migration> {
  return {
    '0001_initial': initial(dialect),
    '0002_invite_acceptance_imported_votes': inviteAcceptanceImportedVotes(dialect),
    '0003_audit_log': auditLog(dialect),
    '0006_ingested_entry': ingestedEntry(dialect),
    '0007_domain_events': domainEvents(dialect),
    '0008_accounts': accounts(dialect),
    '0009_analytics': analytics(dialect),
    '0010_notifications': notifications(dialect),
    '0011_billing': billing(dialect),
    '0012_host_links': hostLinks(dialect),
    '0013_reactions': reactions(dialect),
    '0014_poll_answers': pollAnswers(dialect),
    '0015_status': status(dialect),
    '0016_analytics_video_queue': analyticsVideoQueue(dialect),
    '0017_ticket_checkouts': ticketCheckouts(dialect),
    '0018_vote_versions': voteVersions(dialect),
    '0019_recordings': recordings(dialect),
    '0020_analytics_opens': analyticsOpens(dialect),
    '0021_analytics_delay_indexes': analyticsDelayIndexes(dialect),
    '0022_analytics_session_engagement': analyticsSessionEngagement(dialect),
  }
}

export function migrationProvider(dialect: DialectName): MigrationProvider {
  return { getMigrations: async () => migrations(dialect) }
}
