import { FeedKind, type StageSeat, VideoStageDoc } from '@podium/shared'
import { fireEvent, render, screen } from '@solidjs/testing-library'
import { createSignal } from 'solid-js'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { FeedState } from '../../../src/video/rtc/feed-watcher.ts'
import type { FeedView } from '../../../src/video/state/watch-state.ts'
import { FeedTile } from '../../../src/video/ui/FeedTile.tsx'
import { Look, lookClasses } from '../../../src/video/ui/look.ts'
import { Stage } from '../../../src/video/ui/Stage.tsx'
import { createTestRoom, me } from '../../helpers/room.tsx'

const seat = (patch: Partial<StageSeat> = {}): StageSeat => ({
  userId: 'host0001',
  name: 'Hana',
  role: 'host',
  peerId: 'pd-00-00-stage',
  since: 1,
  screen: 'off',
  camera: true,
  microphone: true,
  audience: 0,
  cap: 8,
  ...patch,
})

function setup(role: 'attendee' | 'host') {
  const userId = role === 'host' ? 'host0001' : me.userId
  const t = createTestRoom({ identity: { ...me, userId, role } })
  return { roster: new VideoStageDoc(t.pub.doc), ...render(() => <Stage connection={t.model} />) }
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('the stage without WebRTC (this test runs in jsdom, which has none)', () => {
  it('shows attendees nothing until someone is on stage, then who and why video is off', async () => {
    const { roster, container } = setup('attendee')
    expect(container.textContent).toBe('')
    roster.take(seat())
    const heading = await screen.findByRole('heading')
    await vi.waitFor(() => expect(heading.textContent).toBe('Video stage · 1 on stage'))
    expect(screen.getByRole('note').textContent).toMatch(
      /cannot play the video stage.*Questions and polls keep working/,
    )
    expect(screen.queryByRole('button', { name: 'Go on stage' })).toBeNull()
    roster.leave('host0001')
    await vi.waitFor(() => expect(container.textContent).toBe(''))
  })

  it('tells a host who cannot reach a camera why, and stays off stage', async () => {
    vi.stubGlobal('RTCPeerConnection', function RTCPeerConnection() {})
    const { roster } = setup('host')
    fireEvent.click(screen.getByRole('button', { name: 'Go on stage' }))
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toMatch(/no access to a camera or microphone/)
    expect(roster.seats()).toEqual([])
    expect(screen.getByRole('button', { name: 'Go on stage' })).toBeTruthy()
  })
})

describe('VideoStageDoc', () => {
  it('keeps valid seats in order, updates fields and ignores what does not parse', () => {
    const doc = new Y.Doc()
    const roster = new VideoStageDoc(doc)
    roster.take(seat({ userId: 'b', since: 5 }))
    roster.take(seat({ userId: 'a', since: 9 }))
    doc.getMap('videoStage').set('junk', { userId: 'junk' })
    expect(roster.seats().map((s) => s.userId)).toEqual(['b', 'a'])
    roster.update('a', { screen: 'added', audience: 3 })
    expect(roster.seat('a')).toMatchObject({ screen: 'added', audience: 3 })
    roster.update('nobody', { audience: 1 })
    expect(roster.seat('nobody')).toBeNull()
    expect(() => roster.update('a', { audience: -1 })).toThrow()
    roster.leave('b')
    expect(roster.seats().map((s) => s.userId)).toEqual(['a'])
  })
})

describe('FeedTile', () => {
  const view = (state: FeedState): FeedView => ({
    key: 'host0001:camera',
    seat: seat({ name: 'Hana' }),
    feed: FeedKind.camera,
    state,
    stream: null,
    measured: null,
  })
  const classes = lookClasses(Look.room)

  it('offers the host to free the seat of a presenter who is gone, and only then', async () => {
    const [state, setState] = createSignal<FeedState>(FeedState.live)
    const onRemove = vi.fn()
    render(() => <FeedTile view={() => view(state())} classes={classes} onRemove={onRemove} />)
    expect(screen.queryByRole('button', { name: /off the stage/ })).toBeNull()
    setState(FeedState.disconnected)
    expect(screen.getByText(/Presenter disconnected\. Waiting for Hana/)).toBeTruthy()
    fireEvent.click(await screen.findByRole('button', { name: 'Take Hana off the stage' }))
    expect(onRemove).toHaveBeenCalledOnce()
  })

  it('offers nothing to someone who may not free seats', () => {
    render(() => <FeedTile view={() => view(FeedState.disconnected)} classes={classes} />)
    expect(screen.getByText(/Presenter disconnected/)).toBeTruthy()
    expect(screen.queryByRole('button', { name: /off the stage/ })).toBeNull()
  })

  it('tells a viewer past the cap that the stage is full and that Q&A goes on', () => {
    render(() => <FeedTile view={() => view(FeedState.full)} classes={classes} />)
    expect(
      screen.getByText(
        /The stage is full: 8 people are watching.*questions and polls keep working/,
      ),
    ).toBeTruthy()
  })
})
