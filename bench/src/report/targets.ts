import type { Metric, StepResult } from '../harness/context.ts'
import { TargetKind } from '../targets/index.ts'
import type { ScenarioResult } from './results.ts'

/** One of the issue's targets, with what was measured and how far from it. */
export interface TargetCheck {
  target: string
  measured: string
  met: boolean | null
  /** measured ÷ limit (above 1 is a miss by that factor); null when not measured. */
  factor: number | null
}

type Find = (
  scenario: string,
  target: TargetKind,
  match: (s: StepResult) => boolean,
) => StepResult | undefined

const num = (m: Metric | undefined): number | null => (typeof m === 'number' ? m : null)

function check(
  target: string,
  value: number | null,
  limit: number,
  unit: string,
  note = '',
): TargetCheck {
  if (value === null)
    return { target, measured: `not measured${note ? ` (${note})` : ''}`, met: null, factor: null }
  return {
    target,
    measured: `${value} ${unit}${note ? ` (${note})` : ''}`,
    met: value <= limit,
    factor: limit > 0 ? Math.round((value / limit) * 100) / 100 : null,
  }
}

/** Evaluates the targets against whatever the run measured (a missing scenario is "not measured"). */
export function checkTargets(results: ScenarioResult[]): TargetCheck[] {
  const find: Find = (scenario, target, match) =>
    results
      .find((r) => r.scenario === scenario)
      ?.steps.find((s) => s.target === target && !s.stopped && match(s))
  const fan = (n: number, kind: TargetKind = TargetKind.podium) =>
    find('fanout', kind, (s) => s.params.attendees === n)
  const checks: TargetCheck[] = []

  checks.push(
    check('Fan-out p99 ≤ 50 ms at 1,000 attendees', num(fan(1_000)?.metrics.p99), 50, 'ms'),
  )
  checks.push(
    check('Fan-out p99 ≤ 100 ms at 10,000 attendees', num(fan(10_000)?.metrics.p99), 100, 'ms'),
  )
  const fanout = results.find((r) => r.scenario === 'fanout')
  for (const ratio of fanout?.ratios ?? []) {
    if (ratio.metric !== 'p99' || ratio.baseline !== TargetKind.hocuspocus) continue
    checks.push(
      check(
        `Fan-out p99 ≤ 1.25× bare Hocuspocus (${ratio.params})`,
        ratio.ratio,
        1.25,
        '×',
        `${ratio.podium} vs ${ratio.baselineValue} ms`,
      ),
    )
  }

  const votes = find('votes', TargetKind.podium, (s) => s.params.votesPerSecond === 5_000)
  checks.push(check('5,000 votes/s: tally p99 ≤ 250 ms', num(votes?.metrics.tallyP99), 250, 'ms'))
  const voteSteps =
    results
      .find((r) => r.scenario === 'votes')
      ?.steps.filter((s) => s.target === TargetKind.podium && !s.stopped) ?? []
  const wrong = voteSteps.reduce(
    (n, s) => n + (num(s.metrics.lost) ?? 0) + (num(s.metrics.doubled) ?? 0),
    0,
  )
  checks.push(
    check(
      'Zero lost or doubled votes (every rate)',
      voteSteps.length ? wrong : null,
      0,
      'votes lost or doubled',
    ),
  )

  // Analytics records every vote in the bus's transaction: at most 10 % more CPU per vote
  // than the same storm with recording off, both measured in the same run.
  const voteRatios = results.find((r) => r.scenario === 'votes')?.ratios ?? []
  for (const ratio of voteRatios) {
    if (ratio.metric !== 'serverCpuUsPerVote' || ratio.baseline !== TargetKind.podiumUnrecorded)
      continue
    checks.push(
      check(
        `Recording analytics: ≤ 1.10× CPU per vote (${ratio.params})`,
        ratio.ratio,
        1.1,
        '×',
        `${ratio.podium} vs ${ratio.baselineValue} µs per vote`,
      ),
    )
  }

  const joins = find('joins', TargetKind.podium, (s) => s.params.joinsPerSecond === 1_000)
  checks.push(check('1,000 joins/s with zero errors', num(joins?.metrics.errors), 0, 'errors'))

  const late = find('late-join', TargetKind.podium, () => true)
  const bytes = num(late?.metrics.encodedBytes)
  checks.push(
    check(
      'Late join: public document ≤ 1 MB',
      bytes === null ? null : Math.round((bytes / 1024 / 1024) * 1000) / 1000,
      1,
      'MB',
    ),
  )
  checks.push(
    check('Late join: connect to synced ≤ 150 ms (p99)', num(late?.metrics.syncP99), 150, 'ms'),
  )
  checks.push(
    check(
      'Late join: first render in Chromium ≤ 1 s (cold)',
      num(late?.metrics.firstRenderColdMs),
      1_000,
      'ms',
    ),
  )
  checks.push(
    check(
      'Late join: first render in Chromium ≤ 1 s (offline, IndexedDB)',
      num(late?.metrics.firstRenderOfflineMs),
      1_000,
      'ms',
    ),
  )

  const poll = find('polls', TargetKind.podium, (s) => s.params.attendees === 10_000)
  const answers = num(poll?.metrics.answers)
  const counted = num(poll?.metrics.counted)
  checks.push(
    check(
      '10,000 poll answers in 10 s: every one counted',
      answers === null || counted === null ? null : answers - counted,
      0,
      'answers not counted',
    ),
  )
  checks.push(
    check(
      '10,000 poll answers: shown at the projector p99 ≤ 500 ms',
      num(poll?.metrics.shownP99),
      500,
      'ms',
    ),
  )
  checks.push(
    check(
      '10,000 poll answers: all shown ≤ 500 ms after the last',
      num(poll?.metrics.allShownAfterLastMs),
      500,
      'ms',
    ),
  )
  const react = find('reactions', TargetKind.podium, (s) => s.params.attendees === 10_000)
  checks.push(
    check(
      '10,000 reacting each second: window counts ≤ 1 s late (max)',
      // No window seen is no measurement, not a window on time.
      num(react?.metrics.windowsSeen) ? num(react?.metrics.lateMax) : null,
      1_000,
      'ms',
    ),
  )

  const memory = find('memory', TargetKind.podium, () => true)
  checks.push(
    check(
      '≤ 30 KB server memory per idle attendee (RSS)',
      num(memory?.metrics.kbPerIdleAttendee),
      30,
      'KB',
    ),
  )
  return checks
}
