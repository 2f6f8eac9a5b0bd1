import { parseArgs } from 'node:util'
import { startInbox } from '../test-support/mail.ts'
import { startPodium, type TestPodium } from '../test-support/podium.ts'
import { createTestSchema, type TestSchema } from '../test-support/postgres.ts'
import { newHistogram, recordMs, summarize } from './src/stats/histogram.ts'

/**
 * `npm run bench:notifications`: 1,000 messages queued in one transaction, sent through a
 * real SMTP server by one instance on SQLite, or by two on Postgres (`--postgres`), with
 * the queue's production settings. Reports how long each took from queued to handed to
 * the mail server; the target is p99 under 30 seconds.
 */
const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    postgres: { type: 'boolean', default: false },
  },
})
const count = Number(values.count)
const TARGET_P99_MS = 30_000

const inbox = await startInbox()
let schema: TestSchema | undefined
const servers: TestPodium[] = []
try {
  schema = values.postgres ? await createTestSchema() : undefined
  const env = {
    SMTP_URL: inbox.url,
    ...(schema ? { DATABASE_URL: schema.url, DATABASE_SCHEMA: schema.schema } : {}),
  }
  for (let i = 0; i < (values.postgres ? 2 : 1); i++) servers.push(await startPodium(env))
  const { db, notifications } = servers[0]!.podium.services
  const started = Date.now()
  await db.kysely.transaction().execute(async (trx) => {
    for (let i = 0; i < count; i++) {
      const email = `bench-${i}@example.org`
      await notifications.notifier.toAddress(trx, email, {
        kind: 'invite',
        subject: `bench-${started}-${i}`,
        data: {
          link: `https://podium.example.org/i/${i}`,
          role: 'moderator',
          sessionTitle: 'Bench',
          inviterName: 'Bench',
          expiresAt: started + 86_400_000,
        },
      })
    }
  })
  notifications.worker.kick()
  const until = Date.now() + 10 * 60_000
  while (inbox.messages.length < count && Date.now() < until)
    await new Promise((r) => setTimeout(r, 100))
  const rows = await db.kysely
    .selectFrom('notifications')
    .select(['created_at', 'sent_at', 'status'])
    .execute()
  const histogram = newHistogram()
  for (const row of rows)
    if (row.sent_at !== null) recordMs(histogram, Number(row.sent_at) - Number(row.created_at))
  const summary = summarize(histogram)
  histogram.destroy()
  const line = (name: string, value: string | number) =>
    process.stdout.write(`| ${name.padEnd(22)} | ${String(value).padStart(10)} |\n`)
  process.stdout.write(
    `\nNotifications: ${count} queued at once, ${servers.length} instance(s) on ${values.postgres ? 'Postgres' : 'SQLite'}\n\n`,
  )
  line('sent', summary.count)
  line('received', inbox.messages.length)
  line('p50 queued → sent, ms', summary.p50)
  line('p99 queued → sent, ms', summary.p99)
  line('max queued → sent, ms', summary.max)
  line('all sent after, ms', Date.now() - started)
  if (summary.count !== count || inbox.messages.length !== count) {
    process.stdout.write('\nNot every message was sent exactly once.\n')
    process.exitCode = 1
  } else if (summary.p99 > TARGET_P99_MS) {
    process.stdout.write(`\np99 is over the ${TARGET_P99_MS / 1000} s target.\n`)
    process.exitCode = 1
  }
} finally {
  for (const s of servers) await s.close()
  await schema?.drop()
  await inbox.close()
}
