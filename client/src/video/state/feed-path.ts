import { FeedKind } from '@podium/shared'

/** How a viewer watches one feed: straight from the presenter, through the SFU, or not at all. */
export type FeedPath = 'direct' | 'sfu' | 'none'

/** How this viewer watches the seat's camera now (none: not yet, or the camera is off). */
export type CameraPath = 'direct' | 'sfu' | 'broadcast' | 'none'

export interface PathFacts {
  feed: FeedKind
  /** The presenter's mesh has no room for one more viewer. */
  full: boolean
  /** This feed already plays straight from the presenter. */
  direct: boolean
  /** The presenter's camera is on the SFU. */
  seatOnSfu: boolean
  camera: CameraPath
}

/**
 * Past the mesh cap, a viewer not already watching directly goes through the SFU; a
 * screen shared beside the camera goes the way the camera goes (a viewer counted in the
 * mesh's audience may call for it there; one on the SFU finds it there), and none for a
 * viewer on the broadcast, which carries the camera's picture only.
 */
export function feedPath(facts: PathFacts): FeedPath {
  const pastCap = facts.full && !facts.direct && facts.seatOnSfu
  if (facts.feed === FeedKind.camera) return pastCap ? 'sfu' : 'direct'
  switch (facts.camera) {
    case 'sfu':
      return 'sfu'
    case 'direct':
      return 'direct'
    case 'broadcast':
      return 'none'
    case 'none':
      return pastCap ? 'sfu' : 'direct'
  }
}
