import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BroadcastStatus, SfuServerMessage } from '@podium/shared'
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type BroadcastSfu, createBroadcaster } from '../src/sfu/broadcast/broadcaster.ts'
import { findFfmpeg, runningFfmpeg } from '../src/sfu/broadcast/ffmpeg.ts'

// A broadcast that gets no picture, with a real ffmpeg: the SFU here has a published camera
// whose forward sends nothing (the picture that never came on a busy machine). While
// viewers past the cap wait, it is started again a few times, then stays off with the
// reason; a host's stop is never undone.
const SID = 'retrySess01'
const camera = { userId: 'pres0001', feed: 'camera' as const }

let dir: string
let told: BroadcastStatus[]
let forwards: number

const sfu: BroadcastSfu = {
  source: async () => ({
    room: 1,
    secret: 'room-secret',
    publisherId: 7,
    mids: { video: '0', audio: null },
  }),
  keyframe: async () => undefined,
  feeds: async () => [camera],
  request: async (body) => {
    if (body.request === 'rtp_forward') forwards++
    return { forwarders: [] }
  },
  tell: (_sessionId, message: SfuServerMessage) => {
    if (message.type === 'broadcast') told.push(message.broadcast)
  },
}

const broadcaster = () =>
  createBroadcaster(sfu, {
    dir,
    ffmpeg: findFfmpeg(),
    rtpHost: '127.0.0.1',
    adminKey: undefined,
    log: pino({ level: 'silent' }),
    startTimeoutMs: 800,
    retryAfterMs: 300,
  })

const until = async (done: () => boolean, timeoutMs = 45_000) => {
  const end = Date.now() + timeoutMs
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out; told ${JSON.stringify(told)}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'podium-retry-'))
  told = []
  forwards = 0
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('a broadcast that gets no picture', () => {
  it('starts again three times while viewers wait, then stays off and says why', {
    timeout: 60_000,
  }, async () => {
    const b = broadcaster()
    b.full(SID, camera)
    await until(() => forwards === 4 && b.status(SID).state === 'off')
    await new Promise((resolve) => setTimeout(resolve, 1000))
    expect(forwards).toBe(4)
    expect(told.filter((s) => s.state === 'starting')).toHaveLength(4)
    expect(b.status(SID)).toMatchObject({
      state: 'off',
      reason: 'No picture reached the broadcaster; try again.',
    })
    expect(runningFfmpeg()).toBe(0)
    await b.close()
  })

  it('is not started again once the host stopped it', async () => {
    const b = broadcaster()
    b.full(SID, camera)
    await until(() => told.some((s) => s.state === 'off'))
    await b.stopByHost(SID)
    await new Promise((resolve) => setTimeout(resolve, 1000))
    expect(forwards).toBe(1)
    expect(b.status(SID).state).toBe('off')
    await b.close()
    expect(runningFfmpeg()).toBe(0)
  })
})
