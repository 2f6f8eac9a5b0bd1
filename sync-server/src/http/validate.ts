import type { z } from 'zod'
import { HttpProblem } from './problem.ts'

/** Parses untrusted input with a zod schema, or throws a 400 problem naming each field. */
export function parse<T>(schema: z.ZodType<T>, input: unknown, what = 'request body'): T {
  if (input === undefined || input === null) {
    throw HttpProblem.badRequest(`The ${what} is missing; send a JSON object.`)
  }
  const result = schema.safeParse(input)
  if (!result.success) throw HttpProblem.fromZod(result.error, what)
  return result.data
}
