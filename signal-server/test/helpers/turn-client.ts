import { createHash, createHmac, randomBytes } from 'node:crypto'
import { createSocket } from 'node:dgram'

/**
 * Just enough of a TURN client (RFC 5766 Allocate with long-term credentials, RFC 5389
 * MESSAGE-INTEGRITY) to ask a real coturn whether a credential gets a relay.
 */

const MAGIC = 0x2112a442
const Type = { allocateRequest: 0x0003, allocateSuccess: 0x0103, allocateError: 0x0113 } as const
const Attr = {
  username: 0x0006,
  messageIntegrity: 0x0008,
  errorCode: 0x0009,
  realm: 0x0014,
  nonce: 0x0015,
  xorRelayedAddress: 0x0016,
  requestedTransport: 0x0019,
} as const

function attribute(type: number, value: Buffer): Buffer {
  const padded = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4)
  padded.writeUInt16BE(type, 0)
  padded.writeUInt16BE(value.length, 2)
  value.copy(padded, 4)
  return padded
}

function message(
  type: number,
  transactionId: Buffer,
  attributes: Buffer[],
  integrityKey?: Buffer,
): Buffer {
  const body = Buffer.concat(attributes)
  const header = Buffer.alloc(20)
  header.writeUInt16BE(type, 0)
  header.writeUInt32BE(MAGIC, 4)
  transactionId.copy(header, 8)
  if (!integrityKey) {
    header.writeUInt16BE(body.length, 2)
    return Buffer.concat([header, body])
  }
  // The length covers MESSAGE-INTEGRITY itself (24 bytes) while the HMAC is computed.
  header.writeUInt16BE(body.length + 24, 2)
  const hmac = createHmac('sha1', integrityKey)
    .update(Buffer.concat([header, body]))
    .digest()
  return Buffer.concat([header, body, attribute(Attr.messageIntegrity, hmac)])
}

interface Parsed {
  type: number
  attributes: Map<number, Buffer>
}

function parse(data: Buffer): Parsed {
  const type = data.readUInt16BE(0)
  const length = data.readUInt16BE(2)
  const attributes = new Map<number, Buffer>()
  let at = 20
  while (at < 20 + length) {
    const attrType = data.readUInt16BE(at)
    const attrLength = data.readUInt16BE(at + 2)
    attributes.set(attrType, data.subarray(at + 4, at + 4 + attrLength))
    at += 4 + Math.ceil(attrLength / 4) * 4
  }
  return { type, attributes }
}

/** One UDP socket for a whole exchange: coturn ties the nonce to the client's address and port. */
function udpClient(host: string, port: number, timeoutMs: number) {
  const socket = createSocket('udp4')
  const inbox: Parsed[] = []
  let wake: (() => void) | null = null
  socket.on('message', (data) => {
    inbox.push(parse(data))
    wake?.()
  })
  return {
    async request(data: Buffer): Promise<Parsed> {
      socket.send(data, port, host)
      const until = Date.now() + timeoutMs
      while (inbox.length === 0) {
        if (Date.now() > until) throw new Error(`no answer from TURN ${host}:${port}`)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(1, until - Date.now()))
          wake = () => {
            clearTimeout(timer)
            resolve()
          }
        })
      }
      return inbox.shift()!
    },
    close: () => socket.close(),
  }
}

export type AllocateResult =
  | { ok: true; relayPort: number }
  | { ok: false; code: number; reason: string }

/** Asks for a UDP relay with a TURN REST credential; returns the relay or the error code. */
export async function allocate(
  server: { host: string; port: number },
  credential: { username: string; credential: string },
  timeoutMs = 2000,
): Promise<AllocateResult> {
  const client = udpClient(server.host, server.port, timeoutMs)
  try {
    return await authenticatedAllocate(client, credential)
  } finally {
    client.close()
  }
}

async function authenticatedAllocate(
  client: ReturnType<typeof udpClient>,
  credential: { username: string; credential: string },
): Promise<AllocateResult> {
  const transport = attribute(Attr.requestedTransport, Buffer.from([17, 0, 0, 0]))
  const first = await client.request(message(Type.allocateRequest, randomBytes(12), [transport]))
  const realm = first.attributes.get(Attr.realm)
  const nonce = first.attributes.get(Attr.nonce)
  if (first.type !== Type.allocateError || !realm || !nonce)
    throw new Error('TURN did not ask for credentials')
  const key = createHash('md5')
    .update(`${credential.username}:${realm.toString()}:${credential.credential}`)
    .digest()
  const answer = await client.request(
    message(
      Type.allocateRequest,
      randomBytes(12),
      [
        transport,
        attribute(Attr.username, Buffer.from(credential.username)),
        attribute(Attr.realm, realm),
        attribute(Attr.nonce, nonce),
      ],
      key,
    ),
  )
  if (answer.type === Type.allocateSuccess) {
    const relayed = answer.attributes.get(Attr.xorRelayedAddress)
    if (!relayed) throw new Error('allocation without a relayed address')
    return { ok: true, relayPort: relayed.readUInt16BE(2) ^ (MAGIC >>> 16) }
  }
  const error = answer.attributes.get(Attr.errorCode)
  if (!error) throw new Error(`unexpected TURN message type 0x${answer.type.toString(16)}`)
  return {
    ok: false,
    code: (error[2] ?? 0) * 100 + (error[3] ?? 0),
    reason: error.subarray(4).toString(),
  }
}
