import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { createApp } from './app.ts'
import type { Deps } from './deps.ts'
import { startTicking } from './runtime.ts'

export interface RunningServer {
  url: string
  close(): Promise<void>
}

/** Serves the app on a real socket. Port 0 picks a free port (tests, scenarios). */
export function startServer(deps: Deps, options: { port: number; host: string }): Promise<RunningServer> {
  const app = createApp(deps)
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, port: options.port, hostname: options.host },
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
    )
    server.once('error', reject)
  })
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.')
}
