/** Guest tokens last long enough to come back to a session offline. */
export const ACCESS_TOKEN_TTL = 60 * 60 * 24 * 30
