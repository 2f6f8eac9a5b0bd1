import WebSocket from 'ws'

/**
 * A minimal Chrome DevTools Protocol session with a Node process started with
 * `--inspect=127.0.0.1:0`: full garbage collection before a memory reading, the
 * heap figures of process.memoryUsage(), CPU profiles of a measured window, and heap
 * snapshots summarized per constructor.
 */
export class Inspector {
  private nextId = 1
  private readonly pending = new Map<
    number,
    { resolve(v: unknown): void; reject(e: Error): void }
  >()
  private chunks: string[] | null = null

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as {
        id?: number
        method?: string
        params?: { chunk?: string }
        result?: unknown
        error?: { message: string }
      }
      if (message.method === 'HeapProfiler.addHeapSnapshotChunk' && this.chunks) {
        this.chunks.push(message.params?.chunk ?? '')
        return
      }
      if (message.id === undefined) return
      const waiter = this.pending.get(message.id)
      if (!waiter) return
      this.pending.delete(message.id)
      if (message.error) waiter.reject(new Error(message.error.message))
      else waiter.resolve(message.result)
    })
  }

  static async connect(url: string): Promise<Inspector> {
    const socket = new WebSocket(url, { perMessageDeflate: false, maxPayload: 1 << 30 })
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve())
      socket.once('error', reject)
    })
    return new Inspector(socket)
  }

  call<T>(method: string, params: Record<string, unknown> = {}, timeoutMs = 120_000): Promise<T> {
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new Error(`${method} did not answer within ${timeoutMs} ms`))
      }, timeoutMs)
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer)
          resolve(v as T)
        },
        reject: (e) => {
          clearTimeout(timer)
          reject(e)
        },
      })
      this.socket.send(JSON.stringify({ id, method, params }))
    })
  }

  async collectGarbage(): Promise<void> {
    await this.call('HeapProfiler.collectGarbage')
  }

  async memoryUsage(): Promise<NodeJS.MemoryUsage> {
    const result = await this.call<{ result: { value: string } }>('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    })
    return JSON.parse(result.result.value) as NodeJS.MemoryUsage
  }

  async startProfile(samplingIntervalUs = 500): Promise<void> {
    await this.call('Profiler.enable')
    await this.call('Profiler.setSamplingInterval', { interval: samplingIntervalUs })
    await this.call('Profiler.start')
  }

  async stopProfile(): Promise<CpuProfile> {
    const { profile } = await this.call<{ profile: CpuProfile }>('Profiler.stop')
    await this.call('Profiler.disable')
    return profile
  }

  /** A heap snapshot, summarized: retained-by-itself bytes and counts per constructor. */
  async heapSummary(): Promise<Map<string, { bytes: number; count: number }>> {
    this.chunks = []
    await this.call('HeapProfiler.takeHeapSnapshot', { reportProgress: false }, 300_000)
    const text = this.chunks.join('')
    this.chunks = null
    return summarizeSnapshot(JSON.parse(text) as HeapSnapshot)
  }

  close(): void {
    this.socket.close()
  }
}

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } }
  nodes: number[]
  strings: string[]
}

/** Self size and count per node name (constructor for objects, type for the rest). */
function summarizeSnapshot(snapshot: HeapSnapshot): Map<string, { bytes: number; count: number }> {
  const fields = snapshot.snapshot.meta.node_fields
  const types = snapshot.snapshot.meta.node_types[0]
  const width = fields.length
  const typeAt = fields.indexOf('type')
  const nameAt = fields.indexOf('name')
  const sizeAt = fields.indexOf('self_size')
  const out = new Map<string, { bytes: number; count: number }>()
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt]!] ?? 'unknown'
    const name =
      type === 'object' ? (snapshot.strings[snapshot.nodes[i + nameAt]!] ?? '?') : `(${type})`
    const entry = out.get(name) ?? { bytes: 0, count: 0 }
    entry.bytes += snapshot.nodes[i + sizeAt]!
    entry.count++
    out.set(name, entry)
  }
  return out
}

/** What grew between two heap summaries, per item (e.g. per attendee), largest first. */
export function heapGrowth(
  before: Map<string, { bytes: number; count: number }>,
  after: Map<string, { bytes: number; count: number }>,
  per: number,
  top = 15,
): Array<{ name: string; bytesEach: number; countEach: number }> {
  return [...after]
    .map(([name, a]) => {
      const b = before.get(name) ?? { bytes: 0, count: 0 }
      return {
        name,
        bytesEach: Math.round(((a.bytes - b.bytes) / per) * 10) / 10,
        countEach: Math.round(((a.count - b.count) / per) * 100) / 100,
      }
    })
    .sort((x, y) => y.bytesEach - x.bytesEach)
    .slice(0, top)
}

export interface CpuProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
  children?: number[]
}
export interface CpuProfile {
  nodes: CpuProfileNode[]
  startTime: number
  endTime: number
  samples?: number[]
  timeDeltas?: number[]
}

export interface HotSpot {
  function: string
  location: string
  selfPercent: number
}

/** The functions with the most self time in a profile (idle and GC included as such). */
export function hotSpots(profile: CpuProfile, top = 15): HotSpot[] {
  const self = new Map<string, number>()
  let total = 0
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0
    if (hits === 0) continue
    total += hits
    const { functionName, url, lineNumber } = node.callFrame
    const file = url.replace(/^file:\/\//, '').replace(/^.*node_modules\//, '')
    const key = `${functionName || '(anonymous)'}\t${file ? `${file}:${lineNumber + 1}` : ''}`
    self.set(key, (self.get(key) ?? 0) + hits)
  }
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, hits]) => {
      const [fn, location] = key.split('\t') as [string, string]
      return { function: fn, location: shortLocation(location), selfPercent: (hits / total) * 100 }
    })
}

function shortLocation(location: string): string {
  const repo = location.indexOf('/sync-server/')
  if (repo !== -1) return location.slice(repo + 1)
  const shared = location.indexOf('/shared/')
  if (shared !== -1) return location.slice(shared + 1)
  return location
}
