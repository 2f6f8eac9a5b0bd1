// What both servers need and the client does not: problem+json, token buckets and the
// environment variables they share. Imported as `@podium/shared/server`.
export * as env from './env.ts'
export { type FieldError, HttpProblem, problemBody, sendProblem } from './problem.ts'
export { TokenBucket } from './token-bucket.ts'
