import { afterAll, beforeAll, describe } from 'vitest'
import { startPodium } from '../../test-support/podium.ts'
import { createTestSchema, type TestSchema } from '../../test-support/postgres.ts'
import { pollFlowSuite } from './helpers/poll-flow-suite.ts'

describe('polls on SQLite', () => {
  pollFlowSuite(() => startPodium())
})

describe('polls on Postgres', () => {
  let schema: TestSchema
  beforeAll(async () => {
    schema = await createTestSchema()
  })
  afterAll(async () => {
    await schema?.drop()
  })
  pollFlowSuite(() => startPodium({ DATABASE_URL: schema.url, DATABASE_SCHEMA: schema.schema }))
})
