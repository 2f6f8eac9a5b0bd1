import { ApiError } from '../lib/api.ts'

/** A sentence for people from whatever was thrown. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message
  return 'Something went wrong. Please try again.'
}
