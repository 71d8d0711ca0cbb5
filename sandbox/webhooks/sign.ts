import { createHmac } from 'node:crypto'

// Standard Webhooks signing (https://www.standardwebhooks.com): the signed content is
// "<webhook-id>.<webhook-timestamp>.<body>", HMAC-SHA256 with the secret's base64-decoded
// bytes, sent as "v1,<base64>". During a rotation every secret signs, space-separated.

export interface SignedHeaders {
  'webhook-id': string
  'webhook-timestamp': string
  'webhook-signature': string
}

export function secretBytes(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64')
}

export function signature(secret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secretBytes(secret))
    .update(`${id}.${timestampSeconds}.${body}`)
    .digest('base64')
  return `v1,${mac}`
}

/** Headers for one delivery attempt; `wallMs` is the attempt's wall-clock time, never the simulation's. */
export function signWebhook(
  secrets: readonly string[],
  id: string,
  wallMs: number,
  body: string,
): SignedHeaders {
  const timestamp = Math.floor(wallMs / 1000)
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((secret) => signature(secret, id, timestamp, body)).join(' '),
  }
}
