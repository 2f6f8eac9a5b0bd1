import type { State } from './components.ts'
import type { StatusReport } from './report.ts'
import { UPTIME_WINDOWS, type UptimeWindow } from './store.ts'

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  )

const HEADLINE: Record<State, string> = {
  ok: 'All systems operational',
  degraded: 'Some systems are degraded',
  down: 'Some systems are down',
  'not-configured': 'All systems operational',
}
const LABEL: Record<State, string> = {
  ok: 'Operational',
  degraded: 'Degraded',
  down: 'Down',
  'not-configured': 'Not used here',
}

const percent = (share: number | null) =>
  share === null ? '–' : `${(Math.floor(share * 10_000) / 100).toFixed(2)} %`
const time = (at: number) => `${new Date(at).toISOString().replace('T', ' ').slice(0, 16)} UTC`

/** `/status` as HTML: readable without JavaScript, light or dark as the system is. */
export function renderStatusPage(report: StatusReport): string {
  const windows = Object.keys(UPTIME_WINDOWS) as UptimeWindow[]
  const rows = report.components
    .map(
      (c) => `        <tr>
          <th scope="row">${escapeHtml(c.name)}</th>
          <td><span class="state state-${c.state}">${LABEL[c.state]}</span><br><span class="detail">${escapeHtml(c.detail)}</span></td>
${windows.map((w) => `          <td class="num">${percent(c.uptime[w])}</td>`).join('\n')}
        </tr>`,
    )
    .join('\n')
  const incidents =
    report.incidents.length === 0
      ? '      <p>No incidents in the last 7 days.</p>'
      : report.incidents
          .map(
            (i) => `      <article class="incident incident-${i.impact}">
        <h3>${escapeHtml(i.title)}</h3>
        <p class="meta">${i.resolvedAt === null ? 'Ongoing' : `Resolved ${time(i.resolvedAt)}`} · posted ${time(i.createdAt)}${i.updatedAt !== i.createdAt ? ` · updated ${time(i.updatedAt)}` : ''}</p>
        <p>${escapeHtml(i.body)}</p>
      </article>`,
          )
          .join('\n')
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="color-scheme" content="light dark">
    <title>Podium status</title>
    <link rel="stylesheet" href="/status.css">
  </head>
  <body>
    <main>
      <h1>Podium status</h1>
      <p class="headline state-${report.status}" role="status">${HEADLINE[report.status]}</p>
      <p class="meta">Checked ${time(report.checkedAt)}. <a href="/status.json">As JSON</a>.</p>
      <h2>Components</h2>
      <table>
        <caption>State now, and the share of this deployment's own checks that found each part working</caption>
        <thead>
          <tr><th scope="col">Component</th><th scope="col">Now</th>${windows.map((w) => `<th scope="col" class="num">${w}</th>`).join('')}</tr>
        </thead>
        <tbody>
${rows}
        </tbody>
      </table>
      <h2>Incidents</h2>
${incidents}
    </main>
  </body>
</html>
`
}

/** The page's stylesheet: one palette for light, one for dark, contrast above 4.5:1. */
export const STATUS_CSS = `:root { color-scheme: light dark; --bg: #ffffff; --fg: #1a1a1a; --muted: #4a4a4a; --line: #d0d0d0;
  --ok: #0b6b2e; --degraded: #8a4b00; --down: #b00020; --link: #0a58ca; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #121212; --fg: #ececec; --muted: #b8b8b8; --line: #3a3a3a;
    --ok: #5fd68a; --degraded: #f0b25a; --down: #ff7b8a; --link: #8ab4ff; }
}
body { margin: 0; background: var(--bg); color: var(--fg); font: 16px/1.5 system-ui, sans-serif; }
main { max-width: 52rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
a { color: var(--link); }
.meta, .detail { color: var(--muted); font-size: 0.9rem; }
.headline { font-size: 1.25rem; font-weight: 600; padding: 0.75rem 1rem; border: 2px solid currentColor; border-radius: 0.5rem; }
table { width: 100%; border-collapse: collapse; }
caption { text-align: left; color: var(--muted); font-size: 0.9rem; padding-bottom: 0.5rem; }
th, td { text-align: left; padding: 0.5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.state { font-weight: 600; }
.state-ok { color: var(--ok); }
.state-degraded { color: var(--degraded); }
.state-down { color: var(--down); }
.state-not-configured { color: var(--muted); }
.incident { border-left: 4px solid var(--line); padding-left: 1rem; margin: 1rem 0; }
.incident-minor { border-color: var(--degraded); }
.incident-major { border-color: var(--down); }
.incident h3 { margin: 0; }
`
