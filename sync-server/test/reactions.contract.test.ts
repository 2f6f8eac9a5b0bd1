import { afterAll, beforeAll, describe } from 'vitest'
import { startPodium } from '../../test-support/podium.ts'
import { createTestSchema, type TestSchema } from '../../test-support/postgres.ts'
import { reactionsSuite } from './helpers/reactions-suite.ts'

describe('reactions: SQLite', () => {
  reactionsSuite(() => startPodium())
})

describe('reactions: Postgres', () => {
  let schema: TestSchema
  beforeAll(async () => {
    schema = await createTestSchema()
  })
  afterAll(async () => {
    await schema?.drop()
  })
  reactionsSuite(() => startPodium({ DATABASE_URL: schema.url, DATABASE_SCHEMA: schema.schema }))
})
