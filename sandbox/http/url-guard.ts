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
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (isForbiddenHost(host)) return 'Link-local, metadata and unspecified addresses are refused.'
  return null
}

function isForbiddenHost(host: string): boolean {
  if (host === 'metadata.google.internal' || host === 'metadata') return true
  const v4 = host.startsWith('::ffff:') ? mappedV4(host.slice(7)) : isIP(host) === 4 ? host : null
  if (v4 !== null) return v4 === '0.0.0.0' || v4.startsWith('169.254.')
  if (isIP(host) === 6) {
    const first = Number.parseInt(expandV6(host)[0] ?? '0', 16)
    // ::, and fe80::/10
    return expandV6(host).every((group) => Number.parseInt(group, 16) === 0) || (first & 0xffc0) === 0xfe80
  }
  return false
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
