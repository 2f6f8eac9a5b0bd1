import { describe, expect, it } from 'vitest'
import { createApi } from '../../src/lib/api.ts'
import { stageRefusal } from '../../src/video/state/stage-plan.ts'

const identity = { sessionId: 's1', token: 't1' }

function answering(status: number, body: unknown) {
  const asked: string[] = []
  const api = createApi({
    attempts: 1,
    fetch: async (input) => {
      asked.push(String(input))
      return new Response(JSON.stringify(body), {
        status,
        headers: {
          'content-type': status === 200 ? 'application/json' : 'application/problem+json',
        },
      })
    },
  })
  return { api, asked }
}

describe('stageRefusal', () => {
  it("gives the server's sentence when the host's plan has no video stage", async () => {
    const detail =
      'The free plan has no video stage. The pro plan lifts this limit: the host can change plans in the billing settings.'
    const { api, asked } = answering(403, {
      type: 'about:blank',
      title: 'Forbidden',
      status: 403,
      detail,
    })
    expect(await stageRefusal(identity, api)).toBe(detail)
    expect(asked).toEqual(['/api/sessions/s1/video-stage'])
  })

  it('lets the stage open when the plan allows it or the server cannot say', async () => {
    expect(await stageRefusal(identity, answering(200, { allowed: true }).api)).toBeNull()
    expect(
      await stageRefusal(identity, answering(503, { status: 503, detail: 'down' }).api),
    ).toBeNull()
    const offline = createApi({
      attempts: 1,
      fetch: async () => {
        throw new TypeError('Failed to fetch')
      },
    })
    expect(await stageRefusal(identity, offline)).toBeNull()
  })
})
