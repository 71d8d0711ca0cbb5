import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { createApp } from './app.ts'
import type { Deps } from './deps.ts'
import { answerClientErrors, connectionOptions, DEFAULT_REQUEST_TIMEOUT_SECONDS } from './http/connection.ts'
import { startTicking } from './runtime.ts'

export interface RunningServer {
  url: string
  close(): Promise<void>
}

export interface ServerOptions {
  port: number
  host: string
  /** A whole request (headers and body) must arrive within this; default 30 s. */
  requestTimeoutMs?: number
}

/** Serves the app on a real socket. Port 0 picks a free port (tests, scenarios). */
export function startServer(deps: Deps, options: ServerOptions): Promise<RunningServer> {
  const app = createApp(deps)
  const fetch = keptFetch(deps, app.fetch)
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_SECONDS * 1000
  return new Promise((resolve, reject) => {
    const server = serve(
      {
        fetch,
        port: options.port,
        hostname: options.host,
        serverOptions: connectionOptions(requestTimeoutMs),
        // An unread body is Node's to drain after the answer, within the request timeout;
        // the adapter's own clean-up would cut a slow one at 500 ms, after saying keep-alive.
        autoCleanupIncoming: false,
      },
      (info: AddressInfo) => {
        const host = info.family === 'IPv6' ? `[${info.address}]` : info.address
        const stopTicking = startTicking(deps)
        resolve({
          url: `http://${host}:${info.port}`,
          close: () =>
            new Promise((done) => {
              stopTicking()
              server.close(() => done())
            }),
        })
      },
    ) as Server
    answerClientErrors(server, requestTimeoutMs)
    server.once('error', reject)
  })
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.')
}

/**
 * In a kept store (on disk, PostgreSQL) an answer leaves only once what it changed is
 * kept, and a shared database's changes by other instances are taken in before each
 * request: a revocation through one instance fails the very next call through another.
 * Memory mode serves the app's fetch as it is.
 */
function keptFetch<Args extends unknown[]>(
  deps: Deps,
  fetch: (request: Request, ...rest: Args) => Response | Promise<Response>,
) {
  const { store } = deps
  if (store.engine.kind === 'memory') return fetch
  const shared = store.engine.changesFromOthers !== undefined
  return async (request: Request, ...rest: Args): Promise<Response> => {
    if (shared) await store.catchUp()
    const response = await fetch(request, ...rest)
    await store.flushed()
    return response
  }
}
