import { spawnSync } from 'node:child_process'
import { webcrypto } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { installRandomPool } from '../src/sync/random-pool.ts'

installRandomPool()

describe('the random pool behind crypto.getRandomValues', () => {
  it('hands out each drawn value once', () => {
    const seen = new Set<number>()
    const one = new Uint32Array(1)
    for (let i = 0; i < 20_000; i++) seen.add(webcrypto.getRandomValues(one)[0]!)
    // 20,000 draws of 32 bits: a repeat is a one-in-twenty chance, two are rare.
    expect(seen.size).toBeGreaterThanOrEqual(19_998)
    const a = webcrypto.getRandomValues(new Uint8Array(32))
    const b = webcrypto.getRandomValues(new Uint8Array(32))
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false)
    expect(a.some((byte) => byte !== 0)).toBe(true)
  })

  it('fills every integer array type and offset view, and keeps the original errors', () => {
    const backing = new Uint8Array(64)
    const view = new Uint16Array(backing.buffer, 16, 8)
    webcrypto.getRandomValues(view)
    expect(backing.subarray(0, 16).every((byte) => byte === 0)).toBe(true)
    expect(backing.subarray(32).every((byte) => byte === 0)).toBe(true)
    expect(backing.subarray(16, 32).some((byte) => byte !== 0)).toBe(true)
    expect(webcrypto.getRandomValues(new BigUint64Array(2))[0]).not.toBe(0n)
    // A large request goes to Node's own function and is filled whole.
    const big = webcrypto.getRandomValues(new Uint8Array(4_096))
    expect(big.subarray(4_000).some((byte) => byte !== 0)).toBe(true)
    expect(() => webcrypto.getRandomValues(new Float64Array(2) as never)).toThrow()
    expect(() => webcrypto.getRandomValues(new Uint8Array(65_537))).toThrow(/65,536/)
  })

  it('is what Yjs draws from when installed first, as the server entry point does', () => {
    const entry = readFileSync(new URL('../src/main.ts', import.meta.url), 'utf8')
    const firstImport = entry.split('\n').find((line) => line.startsWith('import '))
    expect(firstImport).toBe("import './sync/random-pool.ts'")
    const script = [
      "import { randomPoolRefills } from './sync-server/src/sync/random-pool.ts'",
      "const Y = await import('yjs')",
      'for (let i = 0; i < 1000; i++) new Y.Doc().destroy()',
      'console.log(randomPoolRefills())',
    ].join('\n')
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { encoding: 'utf8' },
    )
    expect(child.stderr).toBe('')
    // 1,000 documents × 32 draws × 4 bytes from 4 KB fills.
    expect(Number(child.stdout.trim())).toBeGreaterThanOrEqual(31)
  })
})
