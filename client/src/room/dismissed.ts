/**
 * Rejected questions their author has read and put away: kept on this device (the outbox
 * is the server's record of what was asked, and stays as it is), per session.
 */
const keyFor = (sessionId: string) => `podium:dismissed:${sessionId}`

export function dismissedQuestions(sessionId: string): Set<string> {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(keyFor(sessionId)) ?? '[]')
    return new Set(Array.isArray(parsed) ? parsed.filter((id) => typeof id === 'string') : [])
  } catch {
    return new Set()
  }
}

/** Adds one; returns the whole set as stored. */
export function dismissQuestion(sessionId: string, questionId: string): Set<string> {
  const ids = dismissedQuestions(sessionId).add(questionId)
  try {
    localStorage.setItem(keyFor(sessionId), JSON.stringify([...ids]))
  } catch {
    // Storage full or refused: it is put away for this visit only.
  }
  return ids
}
