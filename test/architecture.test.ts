import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

// docs/architecture.md is the map of the code, and packages do not reach into each other:
// these fail when a folder is added without its line on the map, or when an import crosses
// a line the map draws.

const root = resolve(import.meta.dirname, '..')
const page = readFileSync(join(root, 'docs/architecture.md'), 'utf8')

const folders = (dir: string) =>
  readdirSync(join(root, dir)).filter((name) => statSync(join(root, dir, name)).isDirectory())

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(join(root, dir))) {
    if (name === 'node_modules' || name === 'dist') continue
    const path = join(dir, name)
    if (statSync(join(root, path)).isDirectory()) yield* sources(path)
    else if (/\.(ts|tsx|mts|mjs)$/.test(name)) yield path
  }
}

/** Every relative import of a file, resolved to a path from the repository's root. */
function imports(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8')
  const found: string[] = []
  for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g))
    found.push(relative(root, resolve(root, file, '..', match[1]!)))
  return found
}

describe('docs/architecture.md', () => {
  for (const dir of ['sync-server/src', 'client/src']) {
    it(`names every folder of ${dir}`, () => {
      for (const name of folders(dir)) expect(page, `${dir}/${name}`).toContain(`\`${name}/\``)
    })
  }
})

describe('packages do not reach into each other', () => {
  const packages = ['shared', 'sync-server', 'signal-server', 'client', 'e2e', 'bench']
  const files = packages.flatMap((p) => [...sources(p)])

  it('nothing outside e2e imports it (what others need goes to test-support)', () => {
    const crossing = [...files, ...sources('test-support'), ...sources('test')]
      .filter((f) => !f.startsWith('e2e/'))
      .flatMap((f) =>
        imports(f)
          .filter((i) => i.startsWith('e2e/'))
          .map((i) => `${f} → ${i}`),
      )
    expect(crossing).toEqual([])
  })

  it('nothing outside the client imports its source', () => {
    const crossing = files
      .filter((f) => !f.startsWith('client/'))
      .flatMap((f) =>
        imports(f)
          .filter((i) => i.startsWith('client/'))
          .map((i) => `${f} → ${i}`),
      )
    expect(crossing).toEqual([])
  })

  it("no package imports another package's tests", () => {
    const crossing = files.flatMap((f) =>
      imports(f)
        .filter((i) => /^[^/]+\/test\//.test(i) && i.split('/')[0] !== f.split('/')[0])
        .map((i) => `${f} → ${i}`),
    )
    expect(crossing).toEqual([])
  })

  it('e2e and test-support reach the packages through their entry points only', () => {
    const crossing = [...sources('e2e'), ...sources('test-support')].flatMap((f) =>
      imports(f)
        .filter((i) => /^(shared|sync-server|signal-server|client)\//.test(i))
        .map((i) => `${f} → ${i}`),
    )
    expect(crossing).toEqual([])
  })

  it('domain code does not import the HTTP routes', () => {
    const crossing = [...sources('sync-server/src')]
      // signaling/mount.ts mounts routes as app.ts does: signaling's, and the recordings'
      // that need its recorder.
      .filter((f) => !/^sync-server\/src\/(api|app\.ts|main\.ts|signaling\/mount\.ts)/.test(f))
      .flatMap((f) =>
        imports(f)
          .filter((i) => i.startsWith('sync-server/src/api/'))
          .map((i) => `${f} → ${i}`),
      )
    expect(crossing).toEqual([])
  })

  it('shared imports nothing of the other packages', () => {
    const crossing = [...sources('shared')].flatMap((f) =>
      imports(f)
        .filter((i) => !i.startsWith('shared/'))
        .map((i) => `${f} → ${i}`),
    )
    expect(crossing).toEqual([])
  })

  it('servers and the client import no test support', () => {
    const crossing = ['shared/src', 'sync-server/src', 'signal-server/src', 'client/src']
      .flatMap((d) => [...sources(d)])
      .flatMap((f) =>
        imports(f)
          .filter((i) => i.startsWith('test-support/') || /\/test\//.test(i))
          .map((i) => `${f} → ${i}`),
      )
    expect(crossing).toEqual([])
  })
})
