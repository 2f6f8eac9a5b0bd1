import { FeedKind } from '@podium/shared'
import { describe, expect, it } from 'vitest'
import { type CameraPath, feedPath } from '../../../src/video/state/feed-path.ts'

const facts = (feed: FeedKind, camera: CameraPath, full = true, direct = false) => ({
  feed,
  full,
  direct,
  seatOnSfu: true,
  camera,
})

describe('which way a viewer watches a feed', () => {
  it('takes the camera through the SFU only past the mesh cap, and not from a direct viewer', () => {
    expect(feedPath(facts(FeedKind.camera, 'none', false))).toBe('direct')
    expect(feedPath(facts(FeedKind.camera, 'none', true))).toBe('sfu')
    expect(feedPath(facts(FeedKind.camera, 'direct', true, true))).toBe('direct')
    expect(feedPath({ ...facts(FeedKind.camera, 'none', true), seatOnSfu: false })).toBe('direct')
  })

  it('takes a shared screen the way the camera goes', () => {
    // A viewer on the SFU finds the screen there, even with room in the mesh.
    expect(feedPath(facts(FeedKind.screen, 'sfu', false))).toBe('sfu')
    // One in the mesh's audience calls for it there, however full the mesh is.
    expect(feedPath(facts(FeedKind.screen, 'direct', true))).toBe('direct')
    // The broadcast carries the camera's picture only.
    expect(feedPath(facts(FeedKind.screen, 'broadcast', true))).toBe('none')
    // No camera yet: as a camera would.
    expect(feedPath(facts(FeedKind.screen, 'none', true))).toBe('sfu')
    expect(feedPath(facts(FeedKind.screen, 'none', false))).toBe('direct')
  })
})
