// A shared database can go away (a restart, a failover, a network cut) and come back. A
// call that finds it gone fails with StoreUnavailable, which an answer turns into a 503
// with Retry-After, instead of an error that looks like the sandbox's own fault.

/** Why the database cannot be reached, in words safe to show: never its address or credentials. */
export type OutageCause =
  | 'connection refused'
  | 'connection lost'
  | 'the database is shutting down or starting up'
  | 'no answer in time'
  | 'the connection failed'

export interface Outage {
  cause: OutageCause
  /** Whole seconds until the next attempt to reach it; at least 1. */
  retryAfterSeconds: number
}

export class StoreUnavailable extends Error {
  readonly outage: Outage

  constructor(outage: Outage) {
    super(`The sandbox's database cannot be reached (${outage.cause}).`)
    this.name = 'StoreUnavailable'
    this.outage = outage
  }
}

/** SQLSTATEs that say the server is going or coming, not that the query was wrong. */
const SERVER_GOING = new Set(['57P01', '57P02', '57P03'])
/** node's socket errors: the server is not there, or the line to it broke. */
const REFUSED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'])
const BROKEN = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT'])
/** What the pg driver says, without a code, when a connection ends or never comes. */
const DRIVER_LOST = /connection terminated|not queryable|connection error/i
const DRIVER_TIMEOUT = /timeout exceeded when trying to connect|connection timeout/i

/**
 * The cause when `error` says the database is out of reach, null when it is the database
 * refusing this query (bad data, a constraint): that one will fail again however often it
 * is tried, and the database is fine.
 */
export function outageCause(error: unknown): OutageCause | null {
  if (error instanceof StoreUnavailable) return error.outage.cause
  if (!(error instanceof Error)) return null
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string') {
    if (REFUSED.has(code)) return 'connection refused'
    if (BROKEN.has(code)) return 'connection lost'
    if (SERVER_GOING.has(code)) return 'the database is shutting down or starting up'
    // Class 08: connection exception; 53300: too many connections.
    if (code.startsWith('08') || code === '53300') return 'the connection failed'
  }
  if (DRIVER_TIMEOUT.test(error.message)) return 'no answer in time'
  if (DRIVER_LOST.test(error.message)) return 'connection lost'
  return null
}
