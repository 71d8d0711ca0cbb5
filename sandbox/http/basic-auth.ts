// HTTP Basic credentials (RFC 7617, as RFC 6749 §2.3.1 uses them: each part form-encoded).

/** The client id and secret an Authorization header carries, or null when it carries none readable. */
export function basicCredentials(authorization: string | undefined): { id: string; secret: string } | null {
  if (!authorization?.startsWith('Basic ')) return null
  const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return null
  try {
    return {
      id: decodeURIComponent(decoded.slice(0, colon)),
      secret: decodeURIComponent(decoded.slice(colon + 1)),
    }
  } catch {
    return null // a malformed %-escape
  }
}
