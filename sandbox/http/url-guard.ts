import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import ipaddr from 'ipaddr.js'

// The sandbox calls out to URLs it is given (the integration, a redirect_uri), so it must
// not be turned against the network it runs in. Locally the integration runs beside it:
// loopback is allowed, and only link-local, metadata and unspecified addresses are refused,
// in any spelling, with no name resolved. In shared mode (bound beyond loopback) host names are resolved too, and
// every address that is not plain public unicast is refused: loopback (unless allowed),
// private, link-local, carrier-grade NAT, NAT64, unique-local, multicast, reserved.

/** How a host name resolves: every address, as `dns.lookup(host, {all: true})` answers. */
export type Resolve = (host: string) => Promise<readonly string[]>

export interface TargetRules {
  /** Shared mode: names are resolved and every special address is refused. */
  readonly shared: boolean
  /** In shared mode, let loopback through (a trusted private network). */
  readonly allowLoopback: boolean
  /** Default: the system resolver. Tests inject one. */
  readonly resolve?: Resolve
}

/** A sandbox on loopback, beside its integration. */
export const LOCAL_TARGETS: TargetRules = { shared: false, allowLoopback: true }

/** Cloud metadata services by name; a trailing dot and any case name the same host. */
const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata'])
/** Metadata services outside 169.254.0.0/16: Alibaba Cloud, and AWS over IPv6. */
const METADATA_ADDRESSES = ['100.100.100.200', 'fd00:ec2::254'].map((a) =>
  ipaddr.parse(a).toNormalizedString(),
)
/** IPv4-compatible IPv6 (::a.b.c.d), deprecated; ipaddr.js calls it unicast. */
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96')

const SHARED_REFUSED: Record<string, string> = {
  loopback: 'a loopback address',
  private: 'a private address',
  linkLocal: 'a link-local address',
  carrierGradeNat: 'a carrier-grade NAT address (100.64.0.0/10)',
  rfc6052: 'a NAT64 address (64:ff9b::/96)',
  uniqueLocal: 'a unique-local address (fc00::/7)',
  unspecified: 'an unspecified address',
  broadcast: 'a broadcast address',
  multicast: 'a multicast address',
}

/**
 * Why the URL is refused, or null when it is fine, judged from the URL alone: its scheme,
 * credentials and a literal address or metadata name. Host names are not resolved here
 * (see `checkTargetUrl`).
 */
export function refuseTargetUrl(raw: string, rules: TargetRules = LOCAL_TARGETS): string | null {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return 'Not an absolute URL.'
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'Only http and https URLs are allowed.'
  if (url.username || url.password) return 'URLs must not carry credentials.'
  // The WHATWG parser already turned every IPv4 spelling (0x7f000001, 2130706433, 0177.1)
  // into a dotted quad and compressed IPv6 inside brackets.
  const host = url.hostname.replace(/^\[|\]$/g, '')
  if (isIP(host) !== 0) return refuseAddress(host, rules)
  const name = host.replace(/\.$/, '').toLowerCase()
  if (METADATA_NAMES.has(name)) return explain('The host is', 'a cloud metadata name', rules)
  if (rules.shared && !rules.allowLoopback && isLocalhost(name))
    return explain('The host is', 'a loopback name', rules)
  return null
}

/** RFC 6761: localhost names are loopback, whatever a resolver says. */
function isLocalhost(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost')
}

/**
 * `refuseTargetUrl`, then, in shared mode, the host name resolved: refused when ANY of its
 * addresses is, or when it does not resolve.
 */
export async function checkTargetUrl(
  raw: string,
  rules: TargetRules = LOCAL_TARGETS,
): Promise<string | null> {
  const refusal = refuseTargetUrl(raw, rules)
  if (refusal !== null || !rules.shared) return refusal
  const host = new URL(raw).hostname.replace(/^\[|\]$/g, '')
  if (isIP(host) !== 0 || isLocalhost(host.replace(/\.$/, '').toLowerCase())) return null
  let addresses: readonly string[]
  try {
    addresses = await resolveHost(host, rules)
  } catch {
    return 'The host name does not resolve.'
  }
  if (addresses.length === 0) return 'The host name does not resolve.'
  return refuseResolved(addresses, rules)
}

/** Every address a host name resolves to, by the rules' resolver or the system's. */
export function resolveHost(host: string, rules: TargetRules): Promise<readonly string[]> {
  if (rules.resolve) return rules.resolve(host)
  return lookup(host, { all: true }).then((found) => found.map((entry) => entry.address))
}

/** Why a resolved host is refused (the first refused address decides), or null. */
export function refuseResolved(addresses: readonly string[], rules: TargetRules): string | null {
  for (const address of addresses) {
    const what = addressRefusal(address, rules)
    if (what !== null) return explain('The host name resolves to', what, rules)
  }
  return null
}

/** Why one IP address is refused as a target, or null. The address itself is never echoed. */
export function refuseAddress(address: string, rules: TargetRules): string | null {
  const what = addressRefusal(address, rules)
  return what === null ? null : explain('The host is', what, rules)
}

function explain(subject: string, what: string, rules: TargetRules): string {
  if (!rules.shared) return `${subject} ${what}, which the sandbox never calls.`
  const hint = what.includes('loopback') ? ' (serve --allow-loopback-targets lets loopback through)' : ''
  return `${subject} ${what}, which a shared sandbox does not call${hint}.`
}

function addressRefusal(address: string, rules: TargetRules): string | null {
  if (!ipaddr.isValid(address)) return 'not a valid IP address'
  const parsed = ipaddr.parse(address)
  return rules.shared ? sharedRefusal(parsed, rules) : localRefusal(parsed)
}

type Address = ipaddr.IPv4 | ipaddr.IPv6

/** Shared mode: only public unicast (and loopback when allowed). What it refuses, or null. */
function sharedRefusal(address: Address, rules: TargetRules): string | null {
  // ::ffff:a.b.c.d is the IPv4 address itself: judge that.
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress())
    return sharedRefusal((address as ipaddr.IPv6).toIPv4Address(), rules)
  if (isMetadata(address)) return 'a cloud metadata address'
  const range = address.range()
  if (range === 'unicast' && address.kind() === 'ipv6' && address.match(IPV4_COMPATIBLE))
    return 'an IPv4-compatible IPv6 address (::/96)'
  if (range === 'unicast') return null
  if (range === 'loopback' && rules.allowLoopback) return null
  return SHARED_REFUSED[range] ?? `a reserved or special-purpose address (${range})`
}

/** Locally: link-local, unspecified and metadata addresses, also inside IPv4-mapped and NAT64 ones. */
function localRefusal(address: Address): string | null {
  const embedded = embeddedV4(address)
  if (embedded !== null) return localRefusal(embedded)
  if (isMetadata(address)) return 'a cloud metadata address'
  const range = address.range()
  if (range === 'linkLocal') return 'a link-local address'
  if (range === 'unspecified') return 'an unspecified address'
  return null
}

function isMetadata(address: Address): boolean {
  return METADATA_ADDRESSES.includes(address.toNormalizedString())
}

/** The IPv4 address inside an IPv4-mapped (::ffff:…), IPv4-translated or NAT64 (64:ff9b::…) one. */
function embeddedV4(address: Address): ipaddr.IPv4 | null {
  if (address.kind() !== 'ipv6') return null
  const v6 = address as ipaddr.IPv6
  const range = v6.range()
  if (range !== 'ipv4Mapped' && range !== 'rfc6145' && range !== 'rfc6052') return null
  const [, , , , , , hi = 0, lo = 0] = v6.parts
  return new ipaddr.IPv4([hi >> 8, hi & 255, lo >> 8, lo & 255])
}
