import { randomFillSync, webcrypto } from 'node:crypto'

/**
 * Small random draws served from a pool of CSPRNG bytes.
 *
 * Yjs gives every new `Y.Doc` a guid drawn with 31 calls of `crypto.getRandomValues`
 * (four bytes each) and a client id with one more, and on Node 20 each call costs about
 * 6 µs of argument checking: a `Y.Doc` costs ~230 µs, almost all of it there. The server
 * makes one for every document it loads and Hocuspocus makes a scratch one for every
 * awareness message, so a join storm, or 10,000 attendees renewing their awareness, spent
 * a tenth of its CPU in it. Here one `randomFillSync` fills 4 KB and each small request
 * takes the next bytes: the same operating-system CSPRNG output, fetched in bulk, each
 * byte handed out once and wiped from the pool as it goes.
 *
 * It must be installed before `lib0/webcrypto` is evaluated (that module binds the
 * function when it loads), so `main.ts` imports this module first.
 */
const POOL_BYTES = 4096
/** Larger requests go to the original function: they are rare and already cheap per byte. */
const MAX_POOLED = 256

/** Typed arrays getRandomValues accepts; anything else keeps the original's errors. */
const INTEGER_ARRAYS = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  BigInt64Array,
  BigUint64Array,
]

const pool = Buffer.alloc(POOL_BYTES)
let taken = POOL_BYTES
let refills = 0

const original = webcrypto.getRandomValues.bind(webcrypto)

function pooledRandomValues<T extends ArrayBufferView | null>(array: T): T {
  if (array instanceof Uint32Array && array.length === 1) {
    // Yjs' own draw (lib0 random.uint32), by far the most frequent: no views, no checks.
    if (taken + 4 > POOL_BYTES) refill()
    array[0] = pool.readUInt32LE(taken)
    pool.writeUInt32LE(0, taken)
    taken += 4
    return array
  }
  if (
    array === null ||
    array.byteLength > MAX_POOLED ||
    !INTEGER_ARRAYS.some((type) => array instanceof type)
  ) {
    return original(array as never) as T
  }
  const length = array.byteLength
  if (taken + length > POOL_BYTES) refill()
  const bytes = pool.subarray(taken, taken + length)
  new Uint8Array(array.buffer, array.byteOffset, length).set(bytes)
  bytes.fill(0)
  taken += length
  return array
}

function refill(): void {
  randomFillSync(pool)
  taken = 0
  refills++
}

/** Puts the pooled function in place of `crypto.getRandomValues` (once; later calls do nothing). */
export function installRandomPool(): void {
  if (webcrypto.getRandomValues === (pooledRandomValues as unknown)) return
  Object.defineProperty(webcrypto, 'getRandomValues', {
    value: pooledRandomValues,
    writable: true,
    configurable: true,
  })
}

/** How many times the pool has been filled (for tests). */
export function randomPoolRefills(): number {
  return refills
}

installRandomPool()
