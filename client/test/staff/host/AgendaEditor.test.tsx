import { fireEvent, render, screen, within } from '@solidjs/testing-library'
import { describe, expect, it } from 'vitest'
import { AgendaEditor } from '../../../src/staff/host/AgendaEditor.tsx'
import { createTestRoom } from '../../helpers/room.tsx'

function add(title: string, minutes: string) {
  fireEvent.input(screen.getByLabelText('New item'), { target: { value: title } })
  const add = screen.getByRole('button', { name: 'Add item' }).closest('form') as HTMLFormElement
  fireEvent.input(within(add).getByLabelText('Minutes'), { target: { value: minutes } })
  fireEvent.submit(add)
}

const rows = () => [...document.querySelectorAll('.agenda-list > li')] as HTMLElement[]

describe('agenda editor', () => {
  it('adds items with durations, reorders, renames, retimes and removes them', () => {
    const t = createTestRoom()
    render(() => <AgendaEditor room={t.room} />)
    expect(screen.getByText(/No agenda yet/)).toBeTruthy()

    add('Welcome', '5')
    add('Keynote', '2.5')
    add('Q&A', '15')
    expect(t.room.pub.agenda().map((a) => [a.title, a.durationSec])).toEqual([
      ['Welcome', 300],
      ['Keynote', 150],
      ['Q&A', 900],
    ])

    const keynote = rows()[1] as HTMLElement
    fireEvent.click(within(keynote).getByRole('button', { name: /^Up/ }))
    expect(t.room.pub.agenda().map((a) => a.title)).toEqual(['Keynote', 'Welcome', 'Q&A'])
    const first = rows()[0] as HTMLElement
    expect(within(first).getByRole('button', { name: /^Up/ })).toHaveProperty('disabled', true)

    const qa = rows()[2] as HTMLElement
    fireEvent.change(within(qa).getByLabelText('Title'), { target: { value: 'Open Q&A' } })
    fireEvent.change(within(qa).getByLabelText('Minutes'), { target: { value: '20' } })
    expect(t.room.pub.agenda()[2]).toMatchObject({ title: 'Open Q&A', durationSec: 1200 })

    fireEvent.click(within(rows()[1] as HTMLElement).getByRole('button', { name: /^Remove/ }))
    expect(t.room.pub.agenda().map((a) => a.title)).toEqual(['Keynote', 'Open Q&A'])
  })

  it('refuses an empty title or a duration that is not a number, and keeps the agenda', () => {
    const t = createTestRoom()
    render(() => <AgendaEditor room={t.room} />)
    add('   ', '5')
    expect(screen.getByRole('alert').textContent).toMatch(/needs a title/)
    add('Talk', 'soon')
    expect(screen.getByRole('alert').textContent).toMatch(/duration in minutes/)
    add('Talk', '5')
    fireEvent.change(within(rows()[0] as HTMLElement).getByLabelText('Title'), {
      target: { value: '' },
    })
    expect(screen.getByRole('alert').textContent).toMatch(/needs a title/)
    expect(t.room.pub.agenda().map((a) => a.title)).toEqual(['Talk'])
  })

  it('making an item current sets the stage and loads its duration into the timer', () => {
    const t = createTestRoom()
    t.room.pub.setAgenda([
      { id: 'item-aaaa', title: 'Intro', durationSec: 120 },
      { id: 'item-bbbb', title: 'Demo', durationSec: 600 },
    ])
    render(() => <AgendaEditor room={t.room} />)
    fireEvent.click(screen.getByRole('button', { name: /Start with the first item: Intro/ }))
    expect(t.room.pub.stage().currentItemId).toBe('item-aaaa')
    expect(t.room.pub.pendingTimerCommand()).toMatchObject({
      action: 'reset',
      durationMs: 120_000,
    })
    // Who asked is the connection's to say (the server records it), not the command's.
    expect(t.room.pub.pendingTimerCommand()?.by).toBeUndefined()
    fireEvent.click(screen.getByRole('button', { name: /Next item: Demo/ }))
    expect(t.room.pub.stage().currentItemId).toBe('item-bbbb')
    expect(t.room.pub.pendingTimerCommand()).toMatchObject({ action: 'reset', durationMs: 600_000 })
    expect(within(rows()[1] as HTMLElement).getByText(/Current/)).toBeTruthy()
  })

  it('shows an item merged in twice (two hosts at once) only once', () => {
    const t = createTestRoom()
    const item = { id: 'item-dupe', title: 'Twice', durationSec: 60 }
    t.room.pub.setAgenda([item, item])
    render(() => <AgendaEditor room={t.room} />)
    expect(rows()).toHaveLength(1)
  })

  it('keeps a row (and its focus) while other parts of the document change', () => {
    const t = createTestRoom()
    t.room.pub.setAgenda([{ id: 'item-keep', title: 'Keep', durationSec: 60 }])
    render(() => <AgendaEditor room={t.room} />)
    const input = within(rows()[0] as HTMLElement).getByLabelText('Title')
    input.focus()
    t.addQuestion({ text: 'A vote storm elsewhere' })
    expect(within(rows()[0] as HTMLElement).getByLabelText('Title')).toBe(input)
    expect(document.activeElement).toBe(input)
  })
})
