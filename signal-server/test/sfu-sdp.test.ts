import { describe, expect, it } from 'vitest'
import { sdpProblem } from '../src/sfu/sdp.ts'
import { publisherOffer } from './helpers/sfu-client.ts'

describe('session descriptions the SFU proxy lets through', () => {
  it('accepts a simulcast publisher offer and names what is wrong with others', () => {
    expect(sdpProblem(publisherOffer(), 'publish-offer')).toBeNull()
    expect(sdpProblem('', 'publish-offer')).toMatch(/starts with "v=0"/)
    expect(sdpProblem('v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n\r\ns=-\r\n', 'publish-offer')).toMatch(
      /Line 3/,
    )
    expect(
      sdpProblem('v=0\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n', 'publish-offer'),
    ).toMatch(/no origin/)
    expect(sdpProblem(publisherOffer().replace(/a=ice-pwd:.*\r\n/g, ''), 'publish-offer')).toMatch(
      /no ICE credentials/,
    )
    expect(sdpProblem(publisherOffer('recvonly'), 'publish-offer')).toMatch(/sends audio or video/)
    expect(sdpProblem(publisherOffer('recvonly'), 'subscribe-answer')).toBeNull()
  })
})
