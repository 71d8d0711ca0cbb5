import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import { hotReads } from '../bank/routes/hot-reads.ts'
import type { Deps } from '../deps.ts'
import {
  answerClientErrors,
  connectionOptions,
  DEFAULT_REQUEST_TIMEOUT_SECONDS,
  noteExchange,
} from '../http/connection.ts'
import { errorResponse } from '../http/errors.ts'
import { answerMisdirected, hostCheck } from '../http/host-guard.ts'
import { StoreUnavailable } from '../store/unavailable.ts'
import { startTicking } from '../time/tick.ts'
import { reopenWorld } from '../worlds/open-world.ts'
import { bearerWorld, routeToWorlds } from '../worlds/routing.ts'
import { createApp } from './app.ts'
import { keptFetch } from './kept-fetch.ts'

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
  const { worlds } = deps.server
  // Only a database other instances share can hold a world this one has not opened.
  const shared = deps.store.engine.changesFromOthers !== undefined
  const fetch = worlds
    ? routeToWorlds(
        worlds,
        defaultFetch,
        (id) => (shared ? reopenWorld(deps, worlds, id).catch(unlessUnavailable) : Promise.resolve()),
        deps.server.adminKey,
      )
    : defaultFetch
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_SECONDS * 1000
  const appListener = getRequestListener(fetch, {
    hostname: options.host,
    // An unread body is Node's to drain after the answer, within the request timeout;
    // the adapter's own clean-up would cut a slow one at 500 ms, after saying keep-alive.
    autoCleanupIncoming: false,
    // The last net: whatever escaped every layer still leaves as problem+json, not a bare 500.
    errorHandler: errorResponse,
  })
  // Balances and transaction pages that need nothing unusual are answered before the app.
  const answeredHot = hotReads((authorization) => {
    const world = bearerWorld(authorization)
    return world === undefined ? deps : worlds?.use(world)?.deps
  }, appListener)
  const servesHost = hostCheck({ bindHost: options.host, adminKey: deps.server.adminKey })
  const server = createServer(connectionOptions(requestTimeoutMs), (req, res) => {
    noteExchange(res)
    if (servesHost && !servesHost(req.headers.host)) answerMisdirected(req, res)
    else if (!answeredHot(req, res)) appListener(req, res)
  })
  answerClientErrors(server, requestTimeoutMs)
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      const info = server.address() as AddressInfo
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
    })
  })
}

/** A world that cannot be looked for now is not missing: the database being away is the answer. */
function unlessUnavailable(error: unknown): undefined {
  if (error instanceof StoreUnavailable) throw error
  return undefined
}
