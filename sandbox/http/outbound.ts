import type { LookupAddress, LookupOptions } from 'node:dns'
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { isIP, type LookupFunction } from 'node:net'
import { refuseResolved, refuseTargetUrl, resolveHost, type TargetRules } from './url-guard.ts'

// One call out of the sandbox (a webhook, a user message, a redirect_uri a user taps): no
// redirect followed, the answer's body read and thrown away. The URL is judged before the
// call; in shared mode the host name is judged again as the socket connects, against every
// address it resolves to then, so a name that changes its answer after the check (DNS
// rebinding) reaches nothing it should not.

export interface OutboundCall {
  method: 'GET' | 'POST'
  headers: Record<string, string>
  body?: string
  timeoutMs: number
  /** null: a built-in integration this process runs on loopback, always allowed. */
  targets: TargetRules | null
}

export interface OutboundAnswer {
  status: number | null
  /** Why there was no HTTP answer, in our words: timeout, connection failed, target refused. */
  error: string | null
}

export const TARGET_REFUSED = 'target refused'

export function callOut(url: string, call: OutboundCall): Promise<OutboundAnswer> {
  if (call.targets !== null && refuseTargetUrl(url, call.targets) !== null)
    return Promise.resolve({ status: null, error: TARGET_REFUSED })
  if (!URL.canParse(url)) return Promise.resolve({ status: null, error: 'connection failed' })
  const target = new URL(url)
  const https = target.protocol === 'https:'
  const headers: Record<string, string> = { ...call.headers }
  if (call.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(call.body))
  return new Promise((resolve) => {
    let request: ReturnType<typeof httpRequest>
    try {
      request = (https ? httpsRequest : httpRequest)(target, {
        method: call.method,
        headers,
        agent: agentFor(https, call.targets),
      })
    } catch {
      // Not a URL Node can call (another scheme, a header it refuses): as fetch, no answer.
      return resolve({ status: null, error: 'connection failed' })
    }
    let status: number | null = null
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      request.destroy(new Error('timeout'))
    }, call.timeoutMs)
    const finish = (error: unknown) => {
      clearTimeout(timer)
      if (status !== null) resolve({ status, error: null })
      else if (timedOut) resolve({ status: null, error: 'timeout' })
      else
        resolve({
          status: null,
          error: error instanceof TargetRefused ? TARGET_REFUSED : 'connection failed',
        })
    }
    request.on('response', (response: IncomingMessage) => {
      status = response.statusCode ?? null
      response.on('close', () => finish(null))
      response.resume()
    })
    request.on('error', finish)
    request.on('close', () => {
      if (status === null) finish(null)
    })
    request.end(call.body)
  })
}

class TargetRefused extends Error {}

/**
 * A cache of agents. Locally (and for a built-in integration) Node's shared agents, as fetch would pool them.
 * In shared mode an agent whose every connection resolves through the guard; one pair per
 * set of rules, kept as long as the rules are.
 */
const guarded = new WeakMap<TargetRules, { http: HttpAgent; https: HttpsAgent }>()

function agentFor(https: boolean, targets: TargetRules | null): HttpAgent | undefined {
  if (targets === null || !targets.shared) return undefined
  let agents = guarded.get(targets)
  if (!agents) {
    const lookup = guardedLookup(targets)
    agents = {
      http: new HttpAgent({ keepAlive: true, lookup }),
      https: new HttpsAgent({ keepAlive: true, lookup }),
    }
    guarded.set(targets, agents)
  }
  return https ? agents.https : agents.http
}

/** Resolves as `dns.lookup` does, but fails the connection when any address is refused. */
export function guardedLookup(targets: TargetRules): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    resolveHost(hostname, targets).then(
      (addresses) => {
        const refusal = refuseResolved(addresses, targets)
        const family = options.family === 4 || options.family === 6 ? options.family : 0
        const usable = addresses.filter((address) => family === 0 || isIP(address) === family)
        const first = usable[0]
        if (refusal !== null || first === undefined) {
          const error = refusal === null ? notFound(hostname) : new TargetRefused(refusal)
          return callback(error, '')
        }
        if (options.all) {
          const all: LookupAddress[] = usable.map((address) => ({ address, family: isIP(address) }))
          return callback(null, all)
        }
        return callback(null, first, isIP(first))
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    )
  }
}

function notFound(hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' })
}
