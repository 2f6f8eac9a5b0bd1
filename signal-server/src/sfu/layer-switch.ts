/**
 * A viewer's move to another simulcast layer, seen through. Janus forwards the new layer
 * from its next keyframe and asks the publisher for one once, when the viewer asks. A
 * publisher that has just sent a keyframe (for another viewer's switch, or after loss) lets
 * that request pass without a new one, and Janus 1.1 keeps forwarding the old layer without
 * asking again: the viewer stayed on it until the publisher's next keyframe of its own,
 * which a VP8 camera sends rarely (50 s and more in our runs). So until Janus reports the
 * switch, the publisher is asked again, a few times.
 */

export const LAYER_SWITCH = {
  /** Between requests for a keyframe while the switch is pending. */
  retryMs: 500,
  /** Requests after Janus's own; a layer the publisher does not send never arrives. */
  tries: 10,
} as const

export class LayerSwitch {
  private wanted: number | null = null
  private tries = 0
  private timer: NodeJS.Timeout | null = null

  constructor(
    /** Asks the publisher of the feed for a keyframe. */
    private readonly keyframe: () => Promise<void>,
    private readonly options: { retryMs: number; tries: number } = LAYER_SWITCH,
  ) {}

  /** The viewer asked Janus for this layer. */
  want(substream: number): void {
    this.wanted = substream
    this.tries = 0
    if (!this.timer) this.schedule()
  }

  /** Janus reports the layer it forwards now (its `substream` event). */
  forwarded(substream: number): void {
    if (substream === this.wanted) this.stop()
  }

  get pending(): boolean {
    return this.wanted !== null
  }

  stop(): void {
    this.wanted = null
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private schedule() {
    this.timer = setTimeout(() => {
      this.timer = null
      if (this.wanted === null) return
      if (this.tries >= this.options.tries) return this.stop()
      this.tries++
      void this.keyframe().catch(() => undefined)
      this.schedule()
    }, this.options.retryMs)
    this.timer.unref()
  }
}
