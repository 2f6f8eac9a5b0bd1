import type { AnalyticsAlert } from './schemas/analytics.ts'

/** How an alert is worded: in the host console's banner and in the message to the host. */

type Alert = Pick<AnalyticsAlert, 'rule' | 'detail'>

/** What an alert says while it holds, in words a host acts on. */
export function alertText(alert: Alert): string {
  const d = alert.detail
  switch (alert.rule) {
    case 'participation-drop':
      return `Participation fell by half: ${d.present} present now, down from ${d.peak} in the last 5 minutes.`
    case 'rejections-spike':
      return `Many questions are being rejected: ${d.rejected} of ${d.asked} asked in the last 5 minutes.`
    case 'queue-age': {
      const minutes = Math.floor((d.queue?.oldestMs ?? 0) / 60_000)
      const waiting = d.queue?.waiting ?? 0
      return `The moderation queue is waiting: the oldest of ${waiting} ${waiting === 1 ? 'question' : 'questions'} has waited ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`
    }
    case 'poor-video': {
      const reports = d.video?.reports ?? 0
      const poor = d.video?.poor ?? 0
      const share = reports > 0 ? Math.round((poor / reports) * 100) : 0
      return `Video is poor for many viewers: ${poor} of ${reports} quality reports (${share} %) in the last 5 minutes.`
    }
    default: {
      const never: never = alert.rule
      return String(never)
    }
  }
}

/** What it says once it no longer holds. */
export function recoveredText(alert: Pick<AnalyticsAlert, 'rule'>): string {
  switch (alert.rule) {
    case 'participation-drop':
      return 'Participation has recovered: more than half of the peak is present again.'
    case 'rejections-spike':
      return 'Rejections are back to normal.'
    case 'queue-age':
      return 'The moderation queue has caught up.'
    case 'poor-video':
      return 'Video quality has recovered for most viewers.'
    default: {
      const never: never = alert.rule
      return String(never)
    }
  }
}
