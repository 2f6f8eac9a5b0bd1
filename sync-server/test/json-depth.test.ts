import { describe, expect, it } from 'vitest'
import { JsonDepthScan, MAX_JSON_DEPTH } from '../src/http/json-depth.ts'

const bytes = (text: string) => Buffer.from(text, 'utf8')
const tooDeep = (...chunks: string[]) => {
  const scan = new JsonDepthScan()
  return chunks.map((c) => scan.push(bytes(c))).at(-1)
}
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`

describe('JSON nesting depth', () => {
  it(`allows ${MAX_JSON_DEPTH} levels and refuses one more`, () => {
    expect(tooDeep(nested(MAX_JSON_DEPTH))).toBe(false)
    expect(tooDeep(nested(MAX_JSON_DEPTH + 1))).toBe(true)
    expect(tooDeep(`${'{"a":'.repeat(MAX_JSON_DEPTH + 1)}1${'}'.repeat(MAX_JSON_DEPTH + 1)}`)).toBe(
      true,
    )
  })

  it('counts levels, not brackets: siblings do not add up', () => {
    expect(tooDeep(`[${Array.from({ length: 100 }, () => nested(10)).join(',')}]`)).toBe(false)
  })

  it('skips brackets inside strings, escaped quotes included', () => {
    expect(tooDeep(JSON.stringify({ text: '['.repeat(1000) }))).toBe(false)
    expect(tooDeep(JSON.stringify({ text: `\\"${'{'.repeat(1000)}"\\` }))).toBe(false)
    expect(tooDeep(`{"text":${JSON.stringify('€ ['.repeat(1000))},"ok":${nested(3)}}`)).toBe(false)
  })

  it('keeps its place across chunks, even inside a string or an escape', () => {
    const text = `{"a":${JSON.stringify('x\\"[[[')},"b":${nested(MAX_JSON_DEPTH)}}`
    for (let cut = 1; cut < text.length; cut += 7) {
      expect(tooDeep(text.slice(0, cut), text.slice(cut)), `cut at ${cut}`).toBe(true)
    }
    const fine = `{"a":${JSON.stringify('x\\"[[[')},"b":${nested(MAX_JSON_DEPTH - 1)}}`
    for (let cut = 1; cut < fine.length; cut += 7) {
      expect(tooDeep(fine.slice(0, cut), fine.slice(cut)), `cut at ${cut}`).toBe(false)
    }
  })

  it('stays refused once too deep', () => {
    const scan = new JsonDepthScan(2)
    expect(scan.push(bytes('[[['))).toBe(true)
    expect(scan.push(bytes(']]]'))).toBe(true)
  })
})
