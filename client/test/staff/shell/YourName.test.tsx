import { fireEvent, render, screen } from '@solidjs/testing-library'
import { describe, expect, it } from 'vitest'
import type { Identity } from '../../../src/lib/identity.ts'
import { nameAsked, YourName } from '../../../src/staff/shell/YourName.tsx'

const host: Identity = {
  sessionId: 'session-1',
  userId: 'host-1',
  token: 'token',
  role: 'host',
  name: null,
}

describe('your name', () => {
  it('asks a host without a name once, says how they appear meanwhile, and saves a new one', async () => {
    const asked: string[] = []
    let closed = 0
    render(() => (
      <YourName
        ctx={{
          identity: host,
          rename: async (name) => {
            asked.push(name)
            return null
          },
        }}
        onClose={() => closed++}
      />
    ))
    expect(screen.getByRole('heading', { name: 'What should people call you?' })).toBeTruthy()
    expect(screen.getByText(/Until you give one, you appear as “The host”/)).toBeTruthy()
    expect(screen.getByText(/Attendees see your name on your replies/)).toBeTruthy()
    fireEvent.submit(screen.getByLabelText('Your name').closest('form')!)
    expect(screen.getByRole('alert').textContent).toMatch(/Enter a name/)
    fireEvent.input(screen.getByLabelText('Your name'), { target: { value: '  Hana ' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save name' }))
    await Promise.resolve()
    expect(asked).toEqual(['Hana'])
    expect(nameAsked('session-1')).toBe(true)
    expect(closed).toBe(0)
  })

  it('"Not now" is remembered, so the question is not asked again', () => {
    let closed = 0
    render(() => (
      <YourName ctx={{ identity: host, rename: async () => null }} onClose={() => closed++} />
    ))
    expect(nameAsked('session-1')).toBe(false)
    fireEvent.click(screen.getByRole('button', { name: 'Not now' }))
    expect(closed).toBe(1)
    expect(nameAsked('session-1')).toBe(true)
  })

  it('shows why a change failed', async () => {
    render(() => (
      <YourName
        ctx={{
          identity: { ...host, name: 'Hana' },
          rename: async () => 'The server cannot be reached.',
        }}
        onClose={() => {}}
      />
    ))
    expect(screen.getByRole('heading', { name: 'Change your name' })).toBeTruthy()
    fireEvent.input(screen.getByLabelText('Your name'), { target: { value: 'Hana B.' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save name' }))
    expect((await screen.findByRole('alert')).textContent).toBe('The server cannot be reached.')
  })
})
