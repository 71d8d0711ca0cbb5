import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { createApp } from './app.ts'
import type { Deps } from './deps.ts'
import { answerClientErrors, connectionOptions, DEFAULT_REQUEST_TIMEOUT_SECONDS } from './http/connection.ts'
import { startTicking } from './runtime.ts'
import { keptFetch } from './store/kept-fetch.ts'
import { reopenWorld } from './worlds/open-world.ts'
import { routeToWorlds } from './worlds/routing.ts'

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
  const defaultFetch = keptFetch(deps, app.fetch)
  const { worlds } = deps
  // Only a database other instances share can hold a world this one has not opened.
  const shared = deps.store.engine.changesFromOthers !== undefined
  const fetch = worlds
    ? routeToWorlds(worlds, defaultFetch, (id) =>
        shared ? reopenWorld(deps, worlds, id).catch(() => undefined) : Promise.resolve(),
      )
    : defaultFetch
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
