import { createHmac, timingSafeEqual } from 'node:crypto'

// Messenger-style signatures: X-Hub-Signature-256 is "sha256=" + the hex HMAC-SHA256
// of the raw request body, keyed with the app secret (its UTF-8 bytes).

export const SIGNATURE_HEADER = 'X-Hub-Signature-256'

export function hubSignature(appSecret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`
}

/** What an integration does with the header; the sandbox uses it in its own checks. */
export function verifyHubSignature(
  appSecret: string,
  rawBody: string,
  header: string | null | undefined,
): boolean {
  if (!header) return false
  const expected = Buffer.from(hubSignature(appSecret, rawBody))
  const given = Buffer.from(header)
  return given.length === expected.length && timingSafeEqual(given, expected)
}
