import { render, screen } from '@solidjs/testing-library'
import { createSignal } from 'solid-js'
import { describe, expect, it } from 'vitest'
import { ConnectionBadge } from '../../src/components/ConnectionBadge.tsx'
import type { ConnectionStatus } from '../../src/lib/connection-status.ts'
import type { PeerStatus, PeerSync } from '../../src/staff/model/peer-sync.ts'
import { peerText } from '../../src/staff/shell/peer-text.ts'

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

describe('connection badge in the staff consoles', () => {
  const peer = (status: PeerStatus, peers = 0): PeerSync => ({
    status: () => status,
    peers: () => peers,
    stop() {},
  })

  it('says offline and counts waiting changes in the words the room uses, then the peer link', () => {
    render(() => (
      <ConnectionBadge status="offline" unsynced={2} peer={peerText(peer('connected', 1))} />
    ))
    expect(screen.getByRole('status').textContent).toBe(
      'Offline2 changes waiting to sync1 staff peer linked',
    )
  })

  it('words every peer link state, and shows nothing while it starts', () => {
    expect(peerText(null)).toBe('')
    expect(peerText(peer('starting'))).toBe('')
    expect(peerText(peer('unavailable'))).toBe('No peer link')
    expect(peerText(peer('alone'))).toBe('No staff peers')
    expect(peerText(peer('connected', 3))).toBe('3 staff peers linked')
    render(() => <ConnectionBadge status="online" unsynced={0} peer={peerText(peer('starting'))} />)
    expect(screen.getByRole('status').textContent).toBe('Online')
  })
})
