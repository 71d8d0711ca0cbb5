import { isIP } from 'node:net'

// Integration URLs are called by the sandbox, so they must not point at link-local or
// cloud-metadata addresses. Loopback is allowed: the sandbox runs beside
// the integration.

/** Why the URL is refused, or null when it is fine. */
export function refuseTargetUrl(raw: string): string | null {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return 'Not an absolute URL.'
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'Only http and https URLs are allowed.'
  if (url.username || url.password) return 'URLs must not carry credentials.'
  // A trailing dot names the same host (metadata.google.internal.).
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase()
  if (isForbiddenHost(host)) return 'Link-local, metadata and unspecified addresses are refused.'
  return null
}

/** Cloud metadata services that do not sit in 169.254.0.0/16. */
const METADATA_V4 = new Set(['100.100.100.200']) // Alibaba Cloud
const METADATA_V6 = new Set(['fd00:ec2:0:0:0:0:0:254']) // AWS over IPv6

function isForbiddenHost(host: string): boolean {
  if (host === 'metadata.google.internal' || host === 'metadata') return true
  const v4 = embeddedV4(host) ?? (isIP(host) === 4 ? host : null)
  if (v4 !== null) return v4 === '0.0.0.0' || v4.startsWith('169.254.') || METADATA_V4.has(v4)
  if (isIP(host) === 6) {
    const groups = expandV6(host).map((group) => Number.parseInt(group, 16))
    const canonical = groups.map((group) => group.toString(16)).join(':')
    // ::, fe80::/10 and the metadata addresses
    return (
      groups.every((group) => group === 0) ||
      ((groups[0] ?? 0) & 0xffc0) === 0xfe80 ||
      METADATA_V6.has(canonical)
    )
  }
  return false
}

/** The IPv4 address inside an IPv4-mapped (::ffff:…) or NAT64 (64:ff9b::…) address. */
function embeddedV4(host: string): string | null {
  if (host.startsWith('::ffff:')) return mappedV4(host.slice(7))
  if (isIP(host) !== 6) return null
  const groups = expandV6(host).map((group) => Number.parseInt(group, 16))
  const nat64 = groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0)
  return nat64 ? mappedV4(`${(groups[6] ?? 0).toString(16)}:${(groups[7] ?? 0).toString(16)}`) : null
}

/** ::ffff:a.b.c.d or its hex form ::ffff:a9fe:a9fe → dotted quad. */
function mappedV4(rest: string): string | null {
  if (isIP(rest) === 4) return rest
  const match = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(rest)
  if (!match) return null
  const hi = Number.parseInt(match[1] ?? '0', 16)
  const lo = Number.parseInt(match[2] ?? '0', 16)
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.')
}

function expandV6(host: string): string[] {
  const [head = '', tail = ''] = host.split('::')
  const left = head ? head.split(':') : []
  const right = host.includes('::') && tail ? tail.split(':') : []
  const fill = host.includes('::') ? Array(8 - left.length - right.length).fill('0') : []
  return [...left, ...fill, ...right]
}
