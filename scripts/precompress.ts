// Brotli and gzip copies of the built client, made once at build time so the server
// sends them as they are (`x.js.br`, `x.js.gz` beside `x.js`) instead of compressing
// every response, or sending text uncompressed.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import type { Plugin, ResolvedConfig } from 'vite'

/** Text formats worth compressing; images other than SVG are compressed already. */
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|webmanifest|txt|map)$/
/** Below this, the headers cost more than compression saves. */
const MIN_BYTES = 1024

/** Writes `.br` and `.gz` beside every compressible file under `dir` that gets smaller. */
export function precompressDir(dir: string): { files: number; bytes: number; brotli: number } {
  const totals = { files: 0, bytes: 0, brotli: 0 }
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      const inner = precompressDir(path)
      totals.files += inner.files
      totals.bytes += inner.bytes
      totals.brotli += inner.brotli
      continue
    }
    if (!COMPRESSIBLE.test(entry.name) || statSync(path).size < MIN_BYTES) continue
    const source = readFileSync(path)
    const brotli = brotliCompressSync(source, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: source.length,
      },
    })
    const gzip = gzipSync(source, { level: 9 })
    if (brotli.length < source.length) writeFileSync(`${path}.br`, brotli)
    if (gzip.length < source.length) writeFileSync(`${path}.gz`, gzip)
    totals.files += 1
    totals.bytes += source.length
    totals.brotli += Math.min(brotli.length, source.length)
  }
  return totals
}

/**
 * The Vite plugin: runs after everything else has written its files (the service
 * worker of vite-plugin-pwa included), so it has to come last in `plugins`.
 */
export function precompress(): Plugin {
  let outDir = ''
  let logger: ResolvedConfig['logger'] | undefined
  return {
    name: 'podium-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir)
      logger = config.logger
    },
    closeBundle: {
      order: 'post',
      sequential: true,
      handler() {
        const { files, bytes, brotli } = precompressDir(outDir)
        logger?.info(
          `precompressed ${files} files: ${(bytes / 1024).toFixed(0)} KiB → ${(brotli / 1024).toFixed(0)} KiB brotli (gzip beside)`,
        )
      },
    },
  }
}
