import { describe } from 'vitest'
import { startPodium } from '../../test-support/podium.ts'
import { qaFlowSuite } from './helpers/qa-flow-suite.ts'

describe('Q&A through outboxes', () => {
  qaFlowSuite(() => startPodium())
})
