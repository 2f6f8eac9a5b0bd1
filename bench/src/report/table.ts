import type { StepResult } from '../harness/context.ts'
import { TARGET_LABEL, TargetKind } from '../targets/index.ts'
import type { Machine } from './machine.ts'
import { paramsKey } from './ratios.ts'
import type { ScenarioResult } from './results.ts'
import type { TargetCheck } from './targets.ts'

interface Column {
  header: string
  cell(step: StepResult): string
}

const v = (step: StepResult, key: string, digits = 1): string => {
  const value = step.metrics[key]
  if (value === undefined || value === null || value === '') return '–'
  if (typeof value === 'number') return String(Math.round(value * 10 ** digits) / 10 ** digits)
  return String(value)
}
const trio = (step: StepResult, a: string, b: string, c: string) =>
  `${v(step, a)} / ${v(step, b)} / ${v(step, c)}`

/** Columns per scenario: what a reader needs to judge the figure. */
const COLUMNS: Record<string, Column[]> = {
  fanout: [
    { header: 'p50 / p99 / max ms', cell: (s) => trio(s, 'p50', 'p99', 'max') },
    { header: 'delivered %', cell: (s) => v(s, 'deliveredPercent', 3) },
    { header: 'server CPU %', cell: (s) => v(s, 'serverCpuPercent') },
    { header: 'CPU µs / delivery', cell: (s) => v(s, 'serverCpuUsPerDelivery', 2) },
    { header: 'RSS MB', cell: (s) => v(s, 'serverRssMb') },
    {
      header: 'gen. lag p99 ms',
      cell: (s) => (s.generators ? String(s.generators.lagP99Ms) : '–'),
    },
  ],
  votes: [
    {
      header: 'tally p50 / p99 / max ms',
      cell: (s) => trio(s, 'tallyP50', 'tallyP99', 'tallyMax'),
    },
    {
      header: 'lost / doubled',
      cell: (s) =>
        s.metrics.converged === false
          ? `not converged in 15 s (${v(s, 'lost')} behind, ${v(s, 'doubled')} ahead)`
          : `${v(s, 'lost')} / ${v(s, 'doubled')}`,
    },
    { header: 'sent/s', cell: (s) => v(s, 'sentPerSecond') },
    {
      header: 'receipt p50 / p99 ms',
      cell: (s) => `${v(s, 'receiptP50')} / ${v(s, 'receiptP99')}`,
    },
    { header: 'server CPU %', cell: (s) => v(s, 'serverCpuPercent') },
    { header: 'CPU µs / vote', cell: (s) => v(s, 'serverCpuUsPerVote') },
  ],
  joins: [
    {
      header: 'errors',
      cell: (s) => `${v(s, 'errors')}${s.metrics.errorKinds ? ` ${s.metrics.errorKinds}` : ''}`,
    },
    { header: 'join-to-synced p50 / p99 / max ms', cell: (s) => trio(s, 'p50', 'p99', 'max') },
    {
      header: 'POST /api/join p50 / p99 ms',
      cell: (s) => `${v(s, 'httpP50')} / ${v(s, 'httpP99')}`,
    },
    { header: 'server CPU %', cell: (s) => v(s, 'serverCpuPercent') },
    { header: 'CPU ms / join', cell: (s) => v(s, 'serverCpuMsPerJoin', 2) },
  ],
  'late-join': [
    { header: 'document KB', cell: (s) => v(s, 'encodedKb') },
    { header: 'sync p50 / p99 ms', cell: (s) => `${v(s, 'syncP50')} / ${v(s, 'syncP99')}` },
    { header: 'cold sync ms', cell: (s) => v(s, 'coldSyncMs') },
    {
      header: 'Chromium first render ms (cold / offline)',
      cell: (s) => `${v(s, 'firstRenderColdMs')} / ${v(s, 'firstRenderOfflineMs')}`,
    },
    {
      header: 'live list ms (cold / offline)',
      cell: (s) => `${v(s, 'liveListColdMs')} / ${v(s, 'liveListOfflineMs')}`,
    },
    { header: 'main thread ms / live change', cell: (s) => v(s, 'liveChangeMainThreadMs') },
  ],
  memory: [
    { header: 'KB RSS / idle attendee', cell: (s) => v(s, 'kbPerIdleAttendee') },
    { header: 'KB heap / idle attendee', cell: (s) => v(s, 'heapKbPerIdleAttendee') },
    { header: 'idle server CPU %', cell: (s) => v(s, 'idleCpuPercent') },
    {
      header: 'heap MB base → idle → left',
      cell: (s) => `${v(s, 'baseHeapMb')} → ${v(s, 'idleHeapMb')} → ${v(s, 'afterLeaveHeapMb')}`,
    },
    { header: 'heap MB after churn rounds', cell: (s) => v(s, 'heapAfterRoundsMb') },
    { header: 'RSS MB after churn rounds', cell: (s) => v(s, 'rssAfterRoundsMb') },
  ],
  polls: [
    {
      header: 'counted / answered',
      cell: (s) =>
        `${v(s, 'counted', 0)} / ${v(s, 'answers', 0)}${s.metrics.countsMatch === false ? ' (counts differ)' : ''}`,
    },
    {
      header: 'shown at projector p50 / p99 / max ms',
      cell: (s) => trio(s, 'shownP50', 'shownP99', 'shownMax'),
    },
    { header: 'all shown after the last ms', cell: (s) => v(s, 'allShownAfterLastMs', 0) },
    {
      header: 'room: shown p50 / p99, all after the last ms',
      cell: (s) => trio(s, 'roomShownP50', 'roomShownP99', 'roomAllShownAfterLastMs'),
    },
    {
      header: 'CPU µs / answer vs / vote',
      cell: (s) => `${v(s, 'cpuUsPerAnswer')} vs ${v(s, 'cpuUsPerVote')}`,
    },
    { header: 'answer ÷ vote CPU', cell: (s) => v(s, 'answerToVoteCpu', 2) },
    { header: 'projector updates', cell: (s) => v(s, 'projectorUpdates', 0) },
    { header: 'RSS MB', cell: (s) => v(s, 'serverRssMb') },
  ],
  reactions: [
    { header: 'counted / sent', cell: (s) => `${v(s, 'counted', 0)} / ${v(s, 'sent', 0)}` },
    {
      header: 'window late p50 / p99 / max ms',
      cell: (s) => trio(s, 'lateP50', 'lateP99', 'lateMax'),
    },
    { header: 'public updates / s', cell: (s) => v(s, 'updatesPerSecond', 2) },
    {
      header: 'stored: window rows / public-doc rows',
      cell: (s) => `${v(s, 'storedReactionWindows', 0)} / ${v(s, 'storedPublicUpdates', 0)}`,
    },
    { header: 'server CPU %', cell: (s) => v(s, 'serverCpuPercent') },
    { header: 'CPU µs / reaction', cell: (s) => v(s, 'serverCpuUsPerReaction') },
    { header: 'RSS MB', cell: (s) => v(s, 'serverRssMb') },
  ],
  api: [
    { header: 'achieved /s', cell: (s) => v(s, 'achievedPerSecond') },
    { header: 'p50 / p99 / max ms', cell: (s) => trio(s, 'p50', 'p99', 'max') },
    { header: 'errors', cell: (s) => v(s, 'errors', 0) },
    { header: 'server CPU %', cell: (s) => v(s, 'serverCpuPercent') },
  ],
}

const TITLES: Record<string, string> = {
  fanout: 'Fan-out: a question every 100 ms to every attendee',
  votes: 'Vote storm: tally visible at another client',
  joins: 'Join storm: POST /api/join (Podium), connect, sync',
  'late-join': 'Late join: a full session for a new client',
  memory: 'Memory: idle attendees, then joins and leaves',
  api: 'API (Podium only)',
  polls: 'Poll storm: every attendee answers one poll, then votes once (Podium only)',
  reactions: 'Reactions: every attendee reacts once a second (Podium only)',
}

const TARGET_ORDER: string[] = [
  TargetKind.podium,
  TargetKind.podiumUnrecorded,
  TargetKind.hocuspocus,
  TargetKind.yWebsocket,
]

const row = (cells: string[]) => `| ${cells.join(' | ')} |`

function ratioCell(result: ScenarioResult, step: StepResult): string {
  if (step.target !== TargetKind.podium) return ''
  const key = paramsKey(step.params)
  return result.ratios
    .filter((r) => r.params === key)
    .map((r) => `${r.metric} ${r.ratio}× ${r.baseline}`)
    .join(', ')
}

export function scenarioTable(result: ScenarioResult): string {
  const columns = COLUMNS[result.scenario] ?? []
  const paramHeaders = Object.keys(result.steps[0]?.params ?? {})
  const lines = [
    `### ${TITLES[result.scenario] ?? result.scenario}`,
    '',
    row([...paramHeaders, 'server', ...columns.map((c) => c.header), 'Podium ÷ baseline']),
    row([...paramHeaders, 'server', ...columns.map(() => ''), ''].map(() => '---')),
  ]
  const sorted = [...result.steps].sort((a, b) => {
    for (const h of paramHeaders) {
      const x = a.params[h]
      const y = b.params[h]
      if (x === y) continue
      return typeof x === 'number' && typeof y === 'number'
        ? x - y
        : String(x).localeCompare(String(y))
    }
    return TARGET_ORDER.indexOf(a.target) - TARGET_ORDER.indexOf(b.target)
  })
  for (const step of sorted) {
    const params = paramHeaders.map((h) => String(step.params[h] ?? ''))
    if (step.stopped) {
      lines.push(
        row([
          ...params,
          TARGET_LABEL[step.target],
          `stopped: ${step.stopped}`,
          ...columns.slice(1).map(() => ''),
          '',
        ]),
      )
      continue
    }
    lines.push(
      row([
        ...params,
        TARGET_LABEL[step.target],
        ...columns.map((c) => c.cell(step)),
        ratioCell(result, step),
      ]),
    )
  }
  return lines.join('\n')
}

export function targetsTable(checks: TargetCheck[]): string {
  const lines = [
    '### Targets',
    '',
    row(['target', 'measured', 'met', 'measured ÷ target']),
    row(['---', '---', '---', '---']),
  ]
  for (const c of checks) {
    lines.push(
      row([
        c.target,
        c.measured,
        c.met === null ? '–' : c.met ? 'yes' : '**no**',
        c.factor === null ? '–' : String(c.factor),
      ]),
    )
  }
  return lines.join('\n')
}

export function machineLine(machine: Machine): string {
  return `Machine: ${machine.cores} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}, ${machine.platform}, open files ${machine.openFilesLimit}; ${machine.placement}; load average at start ${machine.loadAverageAtStart.join(' / ')}.`
}

export function report(results: ScenarioResult[], checks: TargetCheck[], command: string): string {
  const machine = results[0]?.machine
  return [
    `## Podium benchmark (${results[0]?.plan ?? ''}, ${results[0]?.startedAt.slice(0, 10) ?? ''})`,
    '',
    `Command: \`${command}\`. ${machine ? machineLine(machine) : ''}`,
    '',
    ...results.flatMap((r) => [scenarioTable(r), '']),
    targetsTable(checks),
    '',
  ].join('\n')
}
