import { Control } from './control.ts'
import type { FromWorker, ToWorker } from './messages.ts'
import { answer } from './roles/answer.ts'
import { attend } from './roles/attend.ts'
import { join } from './roles/join.ts'
import { pollProjector } from './roles/poll-projector.ts'
import { probe } from './roles/probe.ts'
import { projector } from './roles/projector.ts'
import { publish } from './roles/publish.ts'
import { react } from './roles/react.ts'
import { vote } from './roles/vote.ts'

/**
 * A load generator process: runs one role with many simulated clients, driven by
 * the coordinator over IPC. It exits when its role is done or its parent goes away.
 */
const control = new Control()

process.on('disconnect', () => process.exit(0))
process.once('message', (message: ToWorker) => {
  if (message.type !== 'start') return
  const { run } = message
  const task = (() => {
    switch (run.role) {
      case 'attend':
        return attend(run.params, control)
      case 'publish':
        return publish(run.params, control)
      case 'vote':
        return vote(run.params, control)
      case 'probe':
        return probe(run.params, control)
      case 'join':
        return join(run.params, control)
      case 'react':
        return react(run.params, control)
      case 'projector':
        return projector(run.params, control)
      case 'answer':
        return answer(run.params, control)
      case 'poll-projector':
        return pollProjector(run.params, control)
      default:
        return run satisfies never
    }
  })()
  task
    .then(() => control.phase('finished'))
    .then(() => process.exit(0))
    .catch((error: unknown) => {
      const failure: FromWorker = {
        type: 'error',
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }
      process.send?.(failure, () => process.exit(1))
    })
})
