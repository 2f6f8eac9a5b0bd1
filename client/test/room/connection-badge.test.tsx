import { render, screen } from '@solidjs/testing-library'
import { createSignal } from 'solid-js'
import { describe, expect, it } from 'vitest'
import { ConnectionBadge } from '../../src/components/ConnectionBadge.tsx'
import type { ConnectionStatus } from '../../src/lib/connection-status.ts'

describe('connection badge', () => {
  it('says connecting, online, reconnecting and offline, and counts unsynced changes', () => {
    const [status, setStatus] = createSignal<ConnectionStatus>('connecting')
    const [unsynced, setUnsynced] = createSignal(0)
    render(() => <ConnectionBadge status={status()} unsynced={unsynced()} />)
    const badge = screen.getByRole('status')
    expect(badge.textContent).toBe('Connecting…')

    setStatus('online')
    expect(badge.textContent).toBe('Online')

    setStatus('connecting')
    expect(badge.textContent).toBe('Reconnecting…')

    setStatus('offline')
    setUnsynced(1)
    expect(badge.textContent).toBe('Offline1 change waiting to sync')
    setUnsynced(4)
    expect(screen.getByText('4 changes waiting to sync')).toBeTruthy()
    setUnsynced(0)
    expect(screen.queryByText(/waiting to sync/)).toBeNull()
  })
})
