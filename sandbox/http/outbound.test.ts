import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { callOut, TARGET_REFUSED } from './outbound.ts'
import { checkTargetUrl, type Resolve, type TargetRules } from './url-guard.ts'

// A listener on loopback stands in for anything on the sandbox's own network.
let server: Server
let port: number
let hits = 0

beforeAll(async () => {
  server = createServer((req, res) => {
    hits += 1
    req.resume()
    res.writeHead(204).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const post = (url: string, targets: TargetRules | null) =>
  callOut(url, { method: 'POST', headers: {}, body: '{}', timeoutMs: 5_000, targets })

/** Public the first time it is asked, loopback every time after: DNS rebinding. */
function rebinding(): Resolve {
  let asked = 0
  return async () => (asked++ === 0 ? ['8.8.8.8'] : ['127.0.0.1'])
}

describe('callOut', () => {
  test('locally it reaches loopback, as the integration beside the sandbox', async () => {
    const before = hits
    expect(await post(`http://127.0.0.1:${port}/hook`, { shared: false, allowLoopback: true })).toEqual({
      status: 204,
      error: null,
    })
    expect(hits).toBe(before + 1)
  })

  test('in shared mode a name that resolves to loopback as the socket connects is refused, with nothing sent', async () => {
    const before = hits
    const targets: TargetRules = { shared: true, allowLoopback: false, resolve: rebinding() }
    const url = `http://rebind.example.com:${port}/hook`
    // The check before the call saw a public address…
    expect(await checkTargetUrl(url, targets)).toBeNull()
    // …the connection sees loopback, and goes nowhere.
    expect(await post(url, targets)).toEqual({ status: null, error: TARGET_REFUSED })
    expect(hits).toBe(before)
  })

  test('in shared mode a literal loopback address is refused before any connection', async () => {
    const before = hits
    const answer = await post(`http://127.0.0.1:${port}/hook`, { shared: true, allowLoopback: false })
    expect(answer).toEqual({ status: null, error: TARGET_REFUSED })
    expect(hits).toBe(before)
  })

  test('with allow-loopback-targets, the guarded connection goes where the name resolves', async () => {
    const before = hits
    const targets: TargetRules = { shared: true, allowLoopback: true, resolve: async () => ['127.0.0.1'] }
    expect(await post(`http://integration.example.com:${port}/hook`, targets)).toEqual({
      status: 204,
      error: null,
    })
    expect(hits).toBe(before + 1)
  })

  test('a built-in integration (no rules) is reached on loopback even in shared mode', async () => {
    expect(await post(`http://127.0.0.1:${port}/hook`, null)).toEqual({ status: 204, error: null })
  })

  test('nothing listening is a connection failure', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const freed = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    expect(await post(`http://127.0.0.1:${freed}/`, null)).toEqual({
      status: null,
      error: 'connection failed',
    })
  })
})
