import { lookup as dnsLookup } from 'node:dns'
import { Agent } from 'node:https'
import { BlockList, isIP, type LookupFunction } from 'node:net'

/**
 * A push endpoint is a URL a browser chose for us to POST to: only https, and never an
 * address inside this machine or its network (loopback, private, link-local, and the
 * like), checked when it is given and again at every connection, after DNS, so a name
 * that later resolves inside cannot be used to reach what the server can.
 */
const inside = new BlockList()
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  inside.addSubnet(net, prefix, 'ipv4')
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
] as const)
  inside.addSubnet(net, prefix, 'ipv6')

const LOOPBACK = new BlockList()
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4')
LOOPBACK.addAddress('::1', 'ipv6')

export interface EndpointPolicy {
  /** Tests only: loopback addresses are allowed (a local push service). */
  allowLoopback: boolean
}

/** Whether an address may be connected to. */
export function addressAllowed(address: string, policy: EndpointPolicy): boolean {
  const family = isIP(address)
  if (family === 0) return false
  const type = family === 4 ? 'ipv4' : 'ipv6'
  if (policy.allowLoopback && LOOPBACK.check(address, type)) return true
  if (type === 'ipv6' && address.toLowerCase().startsWith('::ffff:')) {
    const v4 = address.slice(7)
    if (isIP(v4) === 4) return addressAllowed(v4, policy)
  }
  return !inside.check(address, type)
}

/** Why an endpoint is refused, in words a person can act on; null when it is acceptable. */
export function endpointProblem(endpoint: string, policy: EndpointPolicy): string | null {
  let url: URL
  try {
    url = new URL(endpoint)
  } catch {
    return 'endpoint must be an absolute https URL'
  }
  if (url.protocol !== 'https:') return 'endpoint must be an https URL'
  if (url.username || url.password) return 'endpoint must not carry a user name or password'
  const host = url.hostname.replace(/^\[|\]$/g, '')
  if (isIP(host) !== 0 && !addressAllowed(host, policy))
    return 'endpoint must be on the public internet, not a loopback, private or link-local address'
  if (
    !isIP(host) &&
    /(^|\.)(localhost|local|internal|localdomain)$/i.test(host) &&
    !policy.allowLoopback
  )
    return 'endpoint must be on the public internet, not a local name'
  return null
}

/** An https agent whose connections go only to allowed addresses, whatever DNS says. */
export function guardedAgent(policy: EndpointPolicy, ca?: string): Agent {
  const lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0)
      const list = (Array.isArray(addresses) ? addresses : [addresses]).filter((a) =>
        addressAllowed(a.address, policy),
      )
      if (list.length === 0)
        return callback(
          Object.assign(new Error(`${hostname} resolves only to addresses push may not reach`), {
            code: 'EADDRNOTALLOWED',
          }),
          '',
          0,
        )
      if ((options as { all?: boolean }).all) return callback(null, list)
      return callback(null, list[0]!.address, list[0]!.family)
    })
  }
  return new Agent({ lookup, keepAlive: true, maxSockets: 16, ...(ca ? { ca } : {}) })
}
