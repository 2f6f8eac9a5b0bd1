import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'

const require = createRequire(import.meta.url)
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  helpUrl: string
  targets: string[]
}

/**
 * Runs axe-core (WCAG 2 A and AA rules) on the page and returns what it found. axe is
 * evaluated by the browser's debugging protocol, not added as a script tag: the page's
 * Content-Security-Policy (`script-src 'self'`) refuses inline scripts, as it should.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE)
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (o: object) => Promise<AxeResults> } }).axe
    interface AxeResults {
      violations: Array<{
        id: string
        impact: string | null
        help: string
        helpUrl: string
        nodes: Array<{ target: string[] }>
      }>
    }
    const results = await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } })
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }))
  })
}

/** The impacts that fail a screen. */
export const BLOCKING_IMPACTS: ReadonlySet<string> = new Set(['serious', 'critical'])

/** Violations of serious or critical impact, one readable line each (rule, help, targets). */
export async function blockingViolations(page: Page): Promise<string[]> {
  return (await axeViolations(page))
    .filter((v) => v.impact !== null && BLOCKING_IMPACTS.has(v.impact))
    .map((v) => `${v.id} (${v.impact}): ${v.help} <${v.helpUrl}> at ${v.targets.join(', ')}`)
}
