import { createHmac } from 'node:crypto'

// Ids and secrets minted by the sandbox. The counter lives for the whole process, so
// consent, event and message ids stay unique across resets (DESIGN §7) while the same
// sequence of calls still yields the same ids — no hidden randomness.

export interface IdSource {
  next(prefix: string): string
  /** An unguessable opaque string (codes, tokens), derived from the process key. */
  secret(prefix: string): string
  /** 32 fresh unguessable bytes (new webhook secrets). */
  bytes(label: string): Buffer
}

export function createIdSource(key: Buffer): IdSource {
  let counter = 0
  return {
    next: (prefix) => `${prefix}_${(++counter).toString(36).padStart(6, '0')}`,
    secret: (prefix) =>
      `${prefix}_${createHmac('sha256', key)
        .update(`${prefix}:${++counter}`)
        .digest('base64url')
        .slice(0, 32)}`,
    bytes: (label) => createHmac('sha256', key).update(`${label}:${++counter}`).digest(),
  }
}
