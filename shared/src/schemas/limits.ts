/** Limits shared by the client (counters, disabled buttons) and the server (refusals). */
export const Limits = {
  titleLength: 200,
  descriptionLength: 2_000,
  nameLength: 60,
  /** The ceiling a host may raise `maxQuestionLength` to. */
  questionLengthCeiling: 2_000,
  defaultQuestionLength: 300,
  replyLength: 1_000,
  reasonLength: 300,
  labelLength: 40,
  labelsPerQuestion: 5,
  agendaItems: 100,
  /** Entries one outbox may hold; past this, new entries are refused with `outbox-full`. */
  outboxEntries: 5_000,
  /** The largest WebSocket frame the sync endpoint accepts. */
  frameBytes: 1024 * 1024,
} as const
