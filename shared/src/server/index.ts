// What both servers need and the client does not: problem+json, token buckets, who may
// read /metrics and the environment variables they share. Imported as `@podium/shared/server`.
export * as env from './env.ts'
export { checkMetricsAccess, isLoopback, type MetricsRequest } from './metrics-access.ts'
export { type FieldError, HttpProblem, problemBody, sendProblem } from './problem.ts'
export { TokenBucket } from './token-bucket.ts'
