import type { IncomingMessage, ServerResponse } from 'node:http'
import { isIPv4 } from 'node:net'
import { problems } from './problem.ts'

// DNS rebinding: a web page on evil.example points its own name at 127.0.0.1 and then
// reads the sandbox as if it were its own origin (no CORS needed), /sandbox/credentials
// included. The browser still sends `Host: evil.example`, so a local sandbox (loopback,
// no admin key, nothing else guarding it) answers only to names that can only mean this
// machine. A sandbox with an admin key, or bound beyond loopback, cannot know every name
// it is reached by (a DNS name, a proxy): there any Host is served and the key guards
// /sandbox/* and the dashboard, whose cookie a page on another name never gets.

/** Whether `host` (a bind address, or a Host header's name without port or brackets) is loopback. */
export function isLoopbackName(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '')
  return name === 'localhost' || name === '::1' || (isIPv4(name) && name.startsWith('127.'))
}

/** The name in a Host header: `[::1]:4545` → `::1`, `localhost:4545` → `localhost`. */
export function hostName(header: string): string {
  if (header.startsWith('[')) {
    const end = header.indexOf(']')
    return end < 0 ? header : header.slice(1, end)
  }
  const colon = header.lastIndexOf(':')
  return colon < 0 ? header : header.slice(0, colon)
}

/**
 * Null when any Host is served (an admin key, or bound beyond loopback); otherwise the
 * check a request's Host header must pass.
 */
export function hostCheck(options: {
  bindHost: string
  adminKey: string | null
}): ((host: string | undefined) => boolean) | null {
  if (options.adminKey !== null || !isLoopbackName(options.bindHost)) return null
  return (host) => host !== undefined && isLoopbackName(hostName(host))
}

/** Answers a request whose Host this server does not serve: 421, as RFC 9110 §15.5.20 says. */
export function answerMisdirected(req: IncomingMessage, res: ServerResponse): void {
  const problem = problems.misdirectedRequest(
    'This sandbox runs on loopback and answers only to localhost, 127.0.0.1 or [::1]. Reach it by one of those names, or give it an admin key (--admin-key) to serve it under other names.',
  )
  const body = JSON.stringify(problem.toBody())
  res.writeHead(problem.status, {
    'Content-Type': 'application/problem+json',
    'Content-Length': Buffer.byteLength(body),
  })
  res.end(req.method === 'HEAD' ? undefined : body)
}
