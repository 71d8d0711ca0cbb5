import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'

// A tiny real integration on 127.0.0.1 and a free port, for tests that need the sandbox
// to call out over HTTP: bank webhooks (/webhooks/bank/:bankId), user messages
// (/webhooks/platform) and OAuth callbacks (/oauth/callback/:bankId). It records every
// request as it arrived (raw body included) and answers 200 unless a test scripts it.

export interface RecordedRequest {
  method: string
  /** The path without the query string, e.g. /webhooks/bank/harbor. */
  path: string
  query: Record<string, string>
  /** Lower-case header names. */
  headers: Record<string, string>
  /** The raw body, exactly as sent (signatures are computed over it). */
  body: string
}

export interface ScriptedResponse {
  status: number
  /** Wait this long before answering (wall clock). */
  delayMs?: number
  body?: string
  /** Answer this way this many times, then fall back to the rule set before it; default: forever. */
  times?: number
}

/** Custom behaviour for a path: return a Response to answer with it, or undefined for the scripted answer. */
export type RequestHandler = (
  request: RecordedRequest,
) => Response | undefined | Promise<Response | undefined>

export interface TestIntegration {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:43123 */
  url: string
  requests: RecordedRequest[]
  /** Requests whose path starts with `pathPrefix`, oldest first. */
  received(pathPrefix: string): RecordedRequest[]
  setResponse(pathPrefix: string, response: ScriptedResponse): void
  on(pathPrefix: string, handler: RequestHandler): void
  /** Resolves with the matching requests once at least `count` have arrived. */
  waitFor(pathPrefix: string, count?: number, timeoutMs?: number): Promise<RecordedRequest[]>
  close(): Promise<void>
}

interface Rule extends ScriptedResponse {
  prefix: string
}

export async function startTestIntegration(): Promise<TestIntegration> {
  const requests: RecordedRequest[] = []
  const rules: Rule[] = []
  const handlers: { prefix: string; handler: RequestHandler }[] = []
  const received = (prefix: string) => requests.filter((request) => request.path.startsWith(prefix))

  /** The newest rule for this path that still has uses left; consumes one use. */
  const scripted = (path: string): ScriptedResponse => {
    for (let i = rules.length - 1; i >= 0; i--) {
      const rule = rules[i]
      if (!rule || !path.startsWith(rule.prefix) || rule.times === 0) continue
      if (rule.times !== undefined) rule.times--
      return rule
    }
    return { status: 200 }
  }

  const app = new Hono().all('*', async (c) => {
    const url = new URL(c.req.url)
    const request: RecordedRequest = {
      method: c.req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries([...c.req.raw.headers].map(([name, value]) => [name.toLowerCase(), value])),
      body: await c.req.text(),
    }
    requests.push(request)
    const script = scripted(request.path)
    if (script.delayMs) await new Promise((resolve) => setTimeout(resolve, script.delayMs))
    for (const { prefix, handler } of [...handlers].reverse()) {
      if (!request.path.startsWith(prefix)) continue
      const answer = await handler(request)
      if (answer) return answer
    }
    return new Response(script.body ?? '', { status: script.status })
  })

  const server = await new Promise<Server>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(started as Server),
    )
  })
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    received,
    setResponse: (prefix, response) => {
      rules.push({ ...response, prefix })
    },
    on: (prefix, handler) => {
      handlers.push({ prefix, handler })
    },
    async waitFor(prefix, count = 1, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs
      while (received(prefix).length < count) {
        if (Date.now() > deadline)
          throw new Error(`expected ${count} request(s) to ${prefix}, got ${received(prefix).length}`)
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      return received(prefix)
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}
