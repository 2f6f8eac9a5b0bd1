import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { PROGRAMS } from '../scripts/test-environment.mjs'

// The workflows parse and refer to what exists. actionlint itself runs in the Security
// workflow (it is not packaged for the machines these tests run on).

const root = resolve(import.meta.dirname, '..')
const read = (path: string) => readFileSync(join(root, path), 'utf8')
type Step = { uses?: string; run?: string; if?: string; with?: Record<string, unknown> }
type Workflow = {
  jobs: Record<
    string,
    { steps: Step[]; strategy?: { matrix: { include?: Array<Record<string, string>> } } }
  >
}

describe('.github/workflows', () => {
  it('security.yml runs actionlint, CodeQL, dependency review, and builds, scans and describes both images', () => {
    const security = parse(read('.github/workflows/security.yml')) as Workflow
    expect(Object.keys(security.jobs).sort()).toEqual(
      ['actionlint', 'codeql', 'dependency-review', 'images'].sort(),
    )
    const uses = (job: string) => security.jobs[job]!.steps.map((s) => s.uses ?? s.run ?? '')
    expect(uses('actionlint').join('\n')).toContain('./actionlint')
    expect(uses('codeql')).toContain('github/codeql-action/analyze@v3')
    expect(uses('dependency-review')).toContain('actions/dependency-review-action@v4')
    const images = uses('images').join('\n')
    for (const action of [
      'docker/build-push-action',
      'aquasecurity/trivy-action',
      'anchore/sbom-action',
    ])
      expect(images).toContain(action)
    for (const image of security.jobs.images!.strategy!.matrix.include!)
      expect(existsSync(join(root, image.dockerfile!)), image.dockerfile).toBe(true)
  })

  it('CI installs every program the test environment needs and keeps the screenshots', () => {
    const ci = parse(read('.github/workflows/ci.yml')) as Workflow
    const steps = ci.jobs.test!.steps
    const apt = steps.map((s) => s.run ?? '').find((r) => r.includes('apt-get install')) ?? ''
    for (const program of PROGRAMS) expect(apt, program.pkg).toContain(program.pkg)
    const kept = steps.find((s) => s.with?.path === 'test-results/screenshots/')
    expect(kept).toMatchObject({ if: 'always()', uses: 'actions/upload-artifact@v4' })
  })
})
