import { afterAll, beforeAll, describe } from 'vitest'
import { startPodium } from '../../test-support/podium.ts'
import { createTestSchema, type TestSchema } from '../../test-support/postgres.ts'
import { handsSuite } from './helpers/hands-suite.ts'

describe('raised hands: SQLite', () => {
  handsSuite(() => startPodium())
})

describe('raised hands: Postgres', () => {
  let schema: TestSchema
  beforeAll(async () => {
    schema = await createTestSchema()
  })
  afterAll(async () => {
    await schema?.drop()
  })
  handsSuite(() => startPodium({ DATABASE_URL: schema.url, DATABASE_SCHEMA: schema.schema }))
})
