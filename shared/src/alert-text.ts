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
    default: {
      const never: never = alert.rule
      return String(never)
    }
  }
}
