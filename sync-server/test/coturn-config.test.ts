import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { createHash, createHmac, randomBytes } from 'node:crypto'
import { createSocket } from 'node:dgram'
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { connect as connectTcp, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { connect as connectTls } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// Runs the real coturn with deploy/coturn/turnserver.conf and the flags docker-compose.yml
// adds, then speaks STUN/TURN to it over UDP, TCP and TLS.

const root = resolve(import.meta.dirname, '../..')
const secret = 'turn-secret-for-the-config-test'
const realm = 'podium.test'

const Type = {
  binding: 0x0001,
  bindingOk: 0x0101,
  allocate: 0x0003,
  allocateOk: 0x0103,
  allocateError: 0x0113,
}
const Attr = {
  username: 0x0006,
  integrity: 0x0008,
  error: 0x0009,
  realm: 0x0014,
  nonce: 0x0015,
  transport: 0x0019,
}
const COOKIE = 0x2112a442

interface Message {
  type: number
  transaction: Buffer
  attributes: Map<number, Buffer>
}

function encode(type: number, attributes: Array<[number, Buffer]>, integrityKey?: Buffer): Buffer {
  const transaction = randomBytes(12)
  const parts = attributes.map(([t, value]) => {
    const head = Buffer.alloc(4)
    head.writeUInt16BE(t, 0)
    head.writeUInt16BE(value.length, 2)
    return Buffer.concat([head, value, Buffer.alloc((4 - (value.length % 4)) % 4)])
  })
  const body = Buffer.concat(parts)
  const header = (length: number) => {
    const h = Buffer.alloc(20)
    h.writeUInt16BE(type, 0)
    h.writeUInt16BE(length, 2)
    h.writeUInt32BE(COOKIE, 4)
    transaction.copy(h, 8)
    return h
  }
  if (!integrityKey) return Buffer.concat([header(body.length), body])
  // MESSAGE-INTEGRITY covers everything before it, with the length counting it too.
  const signed = Buffer.concat([header(body.length + 24), body])
  const mac = createHmac('sha1', integrityKey).update(signed).digest()
  const attribute = Buffer.alloc(4)
  attribute.writeUInt16BE(Attr.integrity, 0)
  attribute.writeUInt16BE(20, 2)
  return Buffer.concat([signed, attribute, mac])
}

function decode(data: Buffer): Message {
  const attributes = new Map<number, Buffer>()
  let offset = 20
  const end = 20 + data.readUInt16BE(2)
  while (offset + 4 <= end) {
    const type = data.readUInt16BE(offset)
    const length = data.readUInt16BE(offset + 2)
    attributes.set(type, data.subarray(offset + 4, offset + 4 + length))
    offset += 4 + length + ((4 - (length % 4)) % 4)
  }
  return { type: data.readUInt16BE(0), transaction: data.subarray(8, 20), attributes }
}

/** One UDP socket (one 5-tuple, so one TURN session) for a sequence of requests. */
function udpClient(port: number) {
  const socket = createSocket('udp4')
  return {
    request(message: Buffer): Promise<Message> {
      return new Promise((done, fail) => {
        const timer = setTimeout(() => fail(new Error('no STUN answer over UDP')), 2000)
        socket.once('message', (data) => {
          clearTimeout(timer)
          done(decode(data))
        })
        socket.send(message, port, '127.0.0.1')
      })
    },
    close: () => socket.close(),
  }
}

async function overUdp(port: number, request: Buffer): Promise<Message> {
  const client = udpClient(port)
  try {
    return await client.request(request)
  } finally {
    client.close()
  }
}

function overStream(port: number, request: Buffer, tls: boolean): Promise<Message> {
  return new Promise((done, fail) => {
    const socket = tls
      ? connectTls({ port, host: '127.0.0.1', rejectUnauthorized: false }, () =>
          socket.write(request),
        )
      : connectTcp({ port, host: '127.0.0.1' }, () => socket.write(request))
    let received = Buffer.alloc(0)
    socket.setTimeout(3000, () =>
      socket.destroy(new Error(`no STUN answer over ${tls ? 'TLS' : 'TCP'}`)),
    )
    socket.on('error', fail)
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      if (received.length >= 20 && received.length >= 20 + received.readUInt16BE(2)) {
        socket.end()
        done(decode(received))
      }
    })
  })
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => done(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

const requestedUdp = Buffer.from([17, 0, 0, 0])
let turnserver: ChildProcess
let dir: string
let port: number
let tlsPort: number
let output = ''

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'podium-coturn-'))
  // coturn drops to nobody (proc-user) and then reopens its database in this folder.
  chmodSync(dir, 0o755)
  const cert = spawnSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    join(dir, 'turn.key'),
    '-out',
    join(dir, 'turn.crt'),
    '-days',
    '1',
    '-subj',
    `/CN=${realm}`,
  ])
  expect(cert.status, cert.stderr.toString()).toBe(0)
  port = await freePort()
  tlsPort = await freePort()
  turnserver = spawn('turnserver', [
    '-c',
    join(root, 'deploy/coturn/turnserver.conf'),
    `--static-auth-secret=${secret}`,
    `--realm=${realm}`,
    `--cert=${join(dir, 'turn.crt')}`,
    `--pkey=${join(dir, 'turn.key')}`,
    '--listening-ip=127.0.0.1',
    `--listening-port=${port}`,
    `--tls-listening-port=${tlsPort}`,
    `--pidfile=${join(dir, 'turnserver.pid')}`,
    `--db=${join(dir, 'turndb')}`,
  ])
  turnserver.on('error', (error) => {
    output += `${error.message}: coturn's turnserver is needed (apt-get install coturn; npm test installs it as root on Debian)\n`
  })
  turnserver.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  turnserver.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  const until = Date.now() + 10_000
  while (Date.now() < until) {
    try {
      await overUdp(port, encode(Type.binding, []))
      return
    } catch {
      if (turnserver.exitCode !== null) break
    }
  }
  throw new Error(`coturn did not answer:\n${output}`)
}, 20_000)

afterAll(() => {
  turnserver?.kill('SIGTERM')
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('deploy/coturn/turnserver.conf', () => {
  it('is read without configuration errors', () => {
    expect(output).not.toMatch(/CONFIG ERROR|Unknown argument|Bad configuration/i)
    expect(output).toContain('Private key file found')
  })

  it('answers STUN over UDP, TCP and TLS', async () => {
    for (const answer of [
      await overUdp(port, encode(Type.binding, [])),
      await overStream(port, encode(Type.binding, []), false),
      await overStream(tlsPort, encode(Type.binding, []), true),
    ]) {
      expect(answer.type).toBe(Type.bindingOk)
    }
  })

  /** An Allocate as a browser makes it: refused with a nonce first, then signed. */
  async function allocate(username: string, password: string) {
    const client = udpClient(port)
    try {
      const challenge = await client.request(
        encode(Type.allocate, [[Attr.transport, requestedUdp]]),
      )
      const key = createHash('md5').update(`${username}:${realm}:${password}`).digest()
      const signed = [
        [Attr.transport, requestedUdp],
        [Attr.username, Buffer.from(username)],
        [Attr.realm, challenge.attributes.get(Attr.realm)!],
        [Attr.nonce, challenge.attributes.get(Attr.nonce)!],
      ] satisfies Array<[number, Buffer]>
      return { challenge, answer: await client.request(encode(Type.allocate, signed, key)) }
    } finally {
      client.close()
    }
  }
  const errorCode = (message: Message) => {
    const error = message.attributes.get(Attr.error)
    return error ? error[2]! * 100 + error[3]! : undefined
  }
  const credentials = (expiresIn: number, withSecret = secret) => {
    const username = `${Math.floor(Date.now() / 1000) + expiresIn}:config-test`
    return [username, createHmac('sha1', withSecret).update(username).digest('base64')] as const
  }

  it('relays only with credentials made from the shared secret (TURN REST API)', async () => {
    const { challenge, answer } = await allocate(...credentials(600))
    expect(challenge.type).toBe(Type.allocateError)
    expect(errorCode(challenge)).toBe(401)
    expect(challenge.attributes.get(Attr.realm)!.toString()).toBe(realm)
    expect(answer.type).toBe(Type.allocateOk)
  })

  it('refuses credentials signed with another secret, and expired ones', async () => {
    const forged = await allocate(...credentials(600, 'some-other-secret'))
    expect(forged.answer.type).toBe(Type.allocateError)
    expect(errorCode(forged.answer)).toBe(401)
    const expired = await allocate(...credentials(-60))
    expect(expired.answer.type).toBe(Type.allocateError)
    expect(errorCode(expired.answer)).toBe(401)
  })
})
