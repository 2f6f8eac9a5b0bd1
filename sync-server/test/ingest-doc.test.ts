import { readdirSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { REJECT_MESSAGES, ReceiptStatus, RejectReason } from '@podium/shared'
import { describe, expect, it } from 'vitest'

// docs/ingest.md is kept true to shared/src/schemas/outbox.ts and to the ingest's files: a
// reason, a status or a file added there and not described here fails.
const page = readFileSync(resolve(import.meta.dirname, '../../docs/ingest.md'), 'utf8')

describe('docs/ingest.md', () => {
  it('describes every refusal reason with the sentence people are shown', () => {
    for (const reason of Object.values(RejectReason)) {
      expect(page, reason).toMatch(new RegExp(`^\\| \`${reason}\` +\\|`, 'm'))
      expect(page, `message for ${reason}`).toContain(REJECT_MESSAGES[reason])
    }
  })

  it('describes every receipt status', () => {
    for (const status of Object.values(ReceiptStatus)) {
      expect(page, status).toMatch(new RegExp(`^\\| \`${status}\` +\\|`, 'm'))
    }
  })

  it('names every file of the ingest', () => {
    const folder = resolve(import.meta.dirname, '../src/ingest')
    for (const file of readdirSync(folder).filter((f) => f.endsWith('.ts'))) {
      expect(page, file).toMatch(new RegExp(`^\\| [^|]*\`${file.replace('.', '\\.')}\``, 'm'))
    }
  })
})
