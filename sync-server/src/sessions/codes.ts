import { newJoinCode } from '@podium/shared'
import { HttpProblem } from '@podium/shared/server'
import type { Services } from '../services.ts'

/** Join codes are short, so a collision is possible: try a fresh one a few times. */
export async function insertWithFreshCode(
  services: Pick<Services, 'log'>,
  insert: (code: string) => Promise<void>,
): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const code = newJoinCode(attempt < 3 ? 6 : 8)
    try {
      await insert(code)
      return code
    } catch (error) {
      if (!/unique|duplicate/i.test(String((error as Error).message))) throw error
      services.log.debug({ code }, 'join code collision, trying another')
    }
  }
  throw new HttpProblem(
    503,
    'Service unavailable',
    'Could not find a free join code; please try again.',
  )
}
