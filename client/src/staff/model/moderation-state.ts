import type { PendingItem, Question } from '@podium/shared'
import { QuestionOrder, rankQuestions } from '@podium/shared'
import { type Accessor, createMemo, createSignal } from 'solid-js'
import { keyedList } from './keyed.ts'
import type { StaffRoom } from './room.ts'

/** Which published questions the console lists. */
export const QuestionTab = {
  open: 'open',
  answered: 'answered',
  moderated: 'moderated',
  all: 'all',
} as const
export type QuestionTab = (typeof QuestionTab)[keyof typeof QuestionTab]

export const TAB_LABELS: Record<QuestionTab, string> = {
  open: 'Open',
  answered: 'Answered',
  moderated: 'Hidden & archived',
  all: 'All',
}

export function inTab(question: Question, tab: QuestionTab): boolean {
  switch (tab) {
    case QuestionTab.open:
      return question.status === 'published' && !question.answered
    case QuestionTab.answered:
      return question.status === 'published' && question.answered
    case QuestionTab.moderated:
      return question.status !== 'published'
    case QuestionTab.all:
      return true
    default: {
      const unknown: never = tab
      throw new Error(`unknown tab ${String(unknown)}`)
    }
  }
}

/** A selectable row: a pending item in the queue, or a published question. */
export type Target = { kind: 'pending'; id: string } | { kind: 'question'; id: string }

export const targetKey = (target: Target) => `${target.kind}:${target.id}`

export function parseTargetKey(key: string): Target | null {
  const at = key.indexOf(':')
  const kind = key.slice(0, at)
  const id = key.slice(at + 1)
  if (!id) return null
  if (kind === 'pending' || kind === 'question') return { kind, id }
  return null
}

/** The console's view state: filters, the selected row, and which forms are open. */
export function createModeration(room: StaffRoom) {
  const [tab, setTab] = createSignal<QuestionTab>(QuestionTab.open)
  const [order, setOrder] = createSignal<QuestionOrder>(QuestionOrder.popular)
  const [search, setSearch] = createSignal('')
  const [label, setLabel] = createSignal<string | null>(null)
  const [selected, setSelected] = createSignal<string | null>(null)
  const [rejecting, setRejecting] = createSignal<string | null>(null)
  const [editing, setEditing] = createSignal<string | null>(null)

  const queue: Accessor<PendingItem[]> = createMemo(() => {
    room.version()
    return room.mod.queue()
  })
  const allQuestions: Accessor<Question[]> = createMemo(() => {
    room.version()
    return room.pub.questions()
  })
  const questions: Accessor<Question[]> = createMemo(() =>
    rankQuestions(allQuestions(), order(), {
      includeModerated: true,
      search: search(),
      ...(label() ? { label: label() as string } : {}),
    }).filter((q) => inTab(q, tab())),
  )
  const counts = createMemo(() => {
    const result: Record<QuestionTab, number> = { open: 0, answered: 0, moderated: 0, all: 0 }
    for (const q of allQuestions()) {
      for (const t of Object.values(QuestionTab)) if (inTab(q, t)) result[t]++
    }
    return result
  })
  const { ids: queueIds, byId: pendingById } = keyedList(queue)
  const { ids: questionIds } = keyedList(questions)
  const { byId: questionById } = keyedList(allQuestions)

  const targets: Accessor<Target[]> = createMemo(() => [
    ...queue().map((item): Target => ({ kind: 'pending', id: item.id })),
    ...questions().map((q): Target => ({ kind: 'question', id: q.id })),
  ])

  /** The selected row, if it is still listed. */
  const selectedTarget = createMemo<Target | null>(() => {
    const key = selected()
    if (!key) return null
    return targets().some((t) => targetKey(t) === key) ? parseTargetKey(key) : null
  })

  /** Moves the selection by `delta` rows; returns the newly selected key. */
  function move(delta: number): string | null {
    const list = targets().map(targetKey)
    if (list.length === 0) return null
    const current = selected()
    const index = current ? list.indexOf(current) : -1
    const next =
      index === -1
        ? delta > 0
          ? 0
          : list.length - 1
        : Math.min(list.length - 1, Math.max(0, index + delta))
    const key = list[next] ?? null
    setSelected(key)
    return key
  }

  /**
   * After a decision on the row `from`: selects the next row that still needs one (a
   * decided queue item waits there for the server), or the one before when `from` was
   * the last, as mail clients move on after archiving. Returns the new key, or null.
   */
  function advance(from: string): string | null {
    const list = targets()
    const index = list.findIndex((t) => targetKey(t) === from)
    const open = (t: Target) => t.kind !== 'pending' || !pendingById().get(t.id)?.decision
    const after = list.slice(index + 1).find((t) => targetKey(t) !== from && open(t))
    const before = list
      .slice(0, Math.max(0, index))
      .reverse()
      .find((t) => open(t))
    const next = after ?? before
    const key = next ? targetKey(next) : null
    setSelected(key)
    return key
  }

  return {
    room,
    tab,
    setTab,
    order,
    setOrder,
    search,
    setSearch,
    label,
    setLabel,
    queue,
    queueIds,
    pendingById,
    allQuestions,
    questionIds,
    questionById,
    questions,
    counts,
    targets,
    selected,
    setSelected,
    selectedTarget,
    move,
    advance,
    rejecting,
    setRejecting,
    editing,
    setEditing,
  }
}

export type Moderation = ReturnType<typeof createModeration>
