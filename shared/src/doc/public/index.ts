// The public document `session/<id>`: its accessor and what readers of it need.
export { STOPPED_TIMER } from '../timer.ts'
export { PRESENCE_STALE_MS, PublicDoc } from './public-doc.ts'
export { changedQuestionIds } from './question-cache.ts'
export { QUESTION_DEFAULTS } from './questions.ts'
