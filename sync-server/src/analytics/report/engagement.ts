/**
 * The engagement score, 0 to 100: the share of the session's people who took part, where
 * asking or replying counts fully and only voting counts half. Staff are left out.
 *
 *   score = round(100 × (askedOrReplied + ½ × votedOnly) / people), 0 when nobody came
 *
 * docs/analytics.md explains the choice; a test holds the two to the same numbers.
 */
export function engagementScore(figures: {
  people: number
  askedOrReplied: number
  votedOnly: number
}): number {
  const { people, askedOrReplied, votedOnly } = figures
  if (people <= 0) return 0
  const score = Math.round((100 * (askedOrReplied + votedOnly / 2)) / people)
  return Math.min(100, Math.max(0, score))
}
