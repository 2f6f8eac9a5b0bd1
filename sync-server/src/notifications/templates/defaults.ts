import type { NotificationKind } from '@podium/shared'

/**
 * The templates Podium ships. An operator replaces any of them with a file of the same
 * name in DATA_DIR/templates (see docs/notifications.md); the names each may use are
 * listed with it, and a file using another stops the start.
 */

/** The parts of one kind: mail subject, text and HTML, and the short text of push and SMS. */
export interface KindTemplates {
  subject: string
  text: string
  html: string
  short: string
}

/** The names each kind's templates may use. */
export const KIND_NAMES: Record<NotificationKind, readonly string[]> = {
  'sign-in': ['link'],
  'phone-code': ['code'],
  invite: ['link', 'role', 'sessionTitle', 'inviterName', 'expires'],
  answered: ['sessionTitle', 'question', 'sessionUrl'],
  reminder: ['sessionTitle', 'startsLocal', 'timeZone', 'startsIn', 'joinUrl'],
  summary: [
    'sessionTitle',
    'questions',
    'answered',
    'votes',
    'replies',
    'participants',
    'sessionUrl',
  ],
  ticket: ['sessionTitle', 'price', 'kind', 'joinUrl', 'ticketId'],
  billing: ['plan', 'graceUntil', 'billingUrl'],
  alert: ['sessionTitle', 'what', 'sessionUrl'],
}

/** The names the layouts may use; `content` is the kind's part, already rendered. */
export const LAYOUT_NAMES = ['content', 'subject', 'unsubscribeUrl', 'preferencesUrl'] as const

export const LAYOUT = {
  text: `{{content}}
{{#unsubscribeUrl}}
--
You get this mail from Podium because of your notification settings.
Change them: {{preferencesUrl}}
Stop this kind of mail: {{unsubscribeUrl}}
{{/unsubscribeUrl}}`,
  html: `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width">
<title>{{subject}}</title>
</head>
<body style="margin:0;padding:24px;background:#f4f4f5;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#18181b">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px;line-height:1.5">
{{content}}
</div>
{{#unsubscribeUrl}}
<p style="max-width:560px;margin:16px auto 0;font-size:12px;color:#52525b">
You get this mail from Podium because of your notification settings.
<a href="{{preferencesUrl}}" style="color:#52525b">Change them</a> or
<a href="{{unsubscribeUrl}}" style="color:#52525b">stop this kind of mail</a>.
</p>
{{/unsubscribeUrl}}
</body>
</html>
`,
}

const button = (href: string, label: string) =>
  `<p><a href="{{${href}}}" style="display:inline-block;padding:10px 16px;background:#4338ca;color:#ffffff;border-radius:6px;text-decoration:none">${label}</a></p>`

export const DEFAULTS: Record<NotificationKind, KindTemplates> = {
  'sign-in': {
    subject: 'Your sign-in link for Podium',
    text: `Open this link to sign in to Podium. It works once, for the next 15 minutes:

{{link}}

If you did not ask to sign in, ignore this mail: nothing happens without the link.
`,
    html: `<p>Open this link to sign in to Podium. It works once, for the next 15 minutes.</p>
${button('link', 'Sign in to Podium')}
<p style="font-size:13px;color:#52525b">Or copy this address into your browser:<br>{{link}}</p>
<p style="font-size:13px;color:#52525b">If you did not ask to sign in, ignore this mail: nothing happens without the link.</p>
`,
    short: 'Your Podium sign-in link: {{link}}',
  },
  'phone-code': {
    subject: 'Your Podium code',
    text: 'Your Podium code is {{code}}. It works for 10 minutes.\n',
    html: '<p>Your Podium code is <strong>{{code}}</strong>. It works for 10 minutes.</p>\n',
    short: 'Your Podium code is {{code}}. It works for 10 minutes.',
  },
  invite: {
    subject: '{{inviterName}} invites you to {{role}} "{{sessionTitle}}"',
    text: `{{inviterName}} invites you to {{role}} "{{sessionTitle}}" on Podium.

Accept the invitation with this link (it admits one person, until {{expires}}):

{{link}}

If you do not know what this is about, ignore this mail.
`,
    html: `<p>{{inviterName}} invites you to {{role}} <strong>{{sessionTitle}}</strong> on Podium.</p>
${button('link', 'Accept the invitation')}
<p style="font-size:13px;color:#52525b">The link admits one person, until {{expires}}. Or copy it into your browser:<br>{{link}}</p>
<p style="font-size:13px;color:#52525b">If you do not know what this is about, ignore this mail.</p>
`,
    short: '{{inviterName}} invites you to {{role}} "{{sessionTitle}}": {{link}}',
  },
  answered: {
    subject: 'Your question was answered in "{{sessionTitle}}"',
    text: `Your question in "{{sessionTitle}}" was marked answered:

  {{question}}

See the session: {{sessionUrl}}
`,
    html: `<p>Your question in <strong>{{sessionTitle}}</strong> was marked answered:</p>
<blockquote style="margin:0 0 16px;padding:8px 12px;border-left:3px solid #4338ca;background:#eef2ff">{{question}}</blockquote>
${button('sessionUrl', 'See the session')}
`,
    short: 'Your question in "{{sessionTitle}}" was answered.',
  },
  reminder: {
    subject: '"{{sessionTitle}}" starts {{startsIn}}',
    text: `"{{sessionTitle}}" starts {{startsIn}}: {{startsLocal}} ({{timeZone}}).

Join it here: {{joinUrl}}

The calendar file attached adds it to your calendar.
`,
    html: `<p><strong>{{sessionTitle}}</strong> starts {{startsIn}}: {{startsLocal}} ({{timeZone}}).</p>
${button('joinUrl', 'Join the session')}
<p style="font-size:13px;color:#52525b">The calendar file attached adds it to your calendar.</p>
`,
    short:
      '"{{sessionTitle}}" starts {{startsIn}} ({{startsLocal}}, {{timeZone}}). Join: {{joinUrl}}',
  },
  summary: {
    subject: 'How "{{sessionTitle}}" went',
    text: `"{{sessionTitle}}" has ended. In numbers:

  Participants: {{participants}}
  Questions: {{questions}} ({{answered}} answered)
  Votes: {{votes}}
  Replies: {{replies}}

The session and its questions: {{sessionUrl}}
`,
    html: `<p><strong>{{sessionTitle}}</strong> has ended. In numbers:</p>
<table style="border-collapse:collapse;margin-bottom:16px">
<tr><td style="padding:2px 16px 2px 0">Participants</td><td><strong>{{participants}}</strong></td></tr>
<tr><td style="padding:2px 16px 2px 0">Questions</td><td><strong>{{questions}}</strong> ({{answered}} answered)</td></tr>
<tr><td style="padding:2px 16px 2px 0">Votes</td><td><strong>{{votes}}</strong></td></tr>
<tr><td style="padding:2px 16px 2px 0">Replies</td><td><strong>{{replies}}</strong></td></tr>
</table>
${button('sessionUrl', 'Open the session')}
`,
    short: '"{{sessionTitle}}" has ended: {{participants}} participants, {{questions}} questions.',
  },
  ticket: {
    subject: 'Your ticket for "{{sessionTitle}}"',
    text: `Your ticket for "{{sessionTitle}}" is ready ({{kind}}: {{price}}).

Join the session with the account this mail was sent to:

{{joinUrl}}

Ticket {{ticketId}}. Stripe sends its own receipt of the payment when the organizer has turned it on.
`,
    html: `<p>Your ticket for <strong>{{sessionTitle}}</strong> is ready ({{kind}}: {{price}}).</p>
${button('joinUrl', 'Join the session')}
<p style="font-size:13px;color:#52525b">Join with the account this mail was sent to. Ticket {{ticketId}}.</p>
`,
    short: 'Your ticket for "{{sessionTitle}}" ({{price}}): {{joinUrl}}',
  },
  billing: {
    subject: 'The payment for your Podium {{plan}} plan failed',
    text: `Stripe could not take the payment that renews your {{plan}} plan.

Your plan keeps working until {{graceUntil}}. Update your card before then:

{{billingUrl}}
`,
    html: `<p>Stripe could not take the payment that renews your <strong>{{plan}}</strong> plan.</p>
<p>Your plan keeps working until {{graceUntil}}. Update your card before then.</p>
${button('billingUrl', 'Update the payment')}
`,
    short:
      'The payment for your Podium {{plan}} plan failed; it works until {{graceUntil}}: {{billingUrl}}',
  },
  alert: {
    subject: '"{{sessionTitle}}": {{what}}',
    text: `In "{{sessionTitle}}": {{what}}

Its analytics: {{sessionUrl}}
`,
    html: `<p>In <strong>{{sessionTitle}}</strong>: {{what}}</p>
${button('sessionUrl', 'Open its analytics')}
`,
    short: '"{{sessionTitle}}": {{what}}',
  },
}
