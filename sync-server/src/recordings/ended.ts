import type { Logger } from 'pino'
import type { EventBus } from '../events/bus.ts'
import { EventType } from '../events/types.ts'
import type { Recordings } from './domain.ts'

const SUBSCRIBER = 'recordings'

/**
 * Ending a session stops its recording (and clears the flag): the stage is over. Fed by
 * the status event, whoever ended it (the API or staff in the document); the event is
 * handled by one instance, which stops the recording once the cursor has moved.
 */
export function stopRecordingWhenEnded(events: EventBus, recordings: Recordings, log: Logger) {
  events.subscribe(SUBSCRIBER, async () => undefined, {
    from: 'now',
    // It looks for one event among every tick's: at most four times a second is soon enough.
    minIntervalMs: 250,
    committed: (batch) => {
      for (const event of batch)
        if (event.type === EventType.sessionStatusChanged && event.status === 'ended')
          recordings.stopIfRecording(event.sessionId).catch((error: unknown) => {
            log.warn({ err: error, sessionId: event.sessionId }, 'stopping the recording failed')
          })
    },
  })
}
