import { Agent, request } from 'node:http'
import { connect, type Socket } from 'node:net'
import { afterEach, describe, expect, test } from 'vitest'
import { type RunningServer, startServer } from '../sandbox/serving/server.ts'
import { createTestSandbox } from './support/helpers.ts'

// What a client sees at the socket: slow requests are cut off with a 408 that says why,
// and a refused body never leaves a kept-alive connection reset.

let server: RunningServer | undefined
afterEach(() => server?.close())

async function start(requestTimeoutMs?: number) {
  const { deps } = createTestSandbox()
  server = await startServer(deps, {
    port: 0,
    host: '127.0.0.1',
    ...(requestTimeoutMs === undefined ? {} : { requestTimeoutMs }),
  })
  return { url: server.url, port: Number(new URL(server.url).port) }
}

/** A raw connection: everything it receives, and how it ended. */
function rawConnection(port: number) {
  const socket: Socket = connect(port, '127.0.0.1')
  let received = ''
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('utf8')
  })
  const ended = new Promise<{ received: string; error: string | null; endedCleanly: boolean }>((resolve) => {
    let error: string | null = null
    let endedCleanly = false
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message
    })
    socket.on('end', () => {
      endedCleanly = true
    })
    socket.on('close', () => resolve({ received, error, endedCleanly }))
  })
  return { socket, ended }
}

describe('a request that arrives too slowly', () => {
  test('a trickled body is cut off at the limit with 408 problem+json while /health answers', async () => {
    const { url, port } = await start(1_000)
    const { socket, ended } = rawConnection(port)
    const startedAt = Date.now()
    socket.write(
      'POST /sandbox/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
    )
    const trickle = setInterval(() => socket.write(' '), 100)
    socket.on('end', () => {
      clearInterval(trickle)
      socket.end()
    })

    await new Promise((resolve) => setTimeout(resolve, 500))
    const health = await fetch(`${url}/health`)
    expect(health.status).toBe(200)

    const { received, error, endedCleanly } = await ended
    clearInterval(trickle)
    const elapsed = Date.now() - startedAt
    expect(elapsed).toBeGreaterThanOrEqual(1_000)
    expect(elapsed).toBeLessThan(3_000)
    expect(error).toBeNull()
    expect(endedCleanly).toBe(true)
    const [head = '', body = ''] = received.split('\r\n\r\n')
    expect(head).toMatch(/^HTTP\/1\.1 408 /)
    expect(head).toMatch(/\r\nContent-Type: application\/problem\+json(\r\n|$)/i)
    expect(head).toMatch(/\r\nConnection: close(\r\n|$)/i)
    expect(JSON.parse(body)).toMatchObject({
      status: 408,
      code: 'request_timeout',
      type: 'urn:bank-sandbox:problem:request_timeout',
    })
  })

  test('headers that never finish get the same 408', async () => {
    const { port } = await start(1_000)
    const { socket, ended } = rawConnection(port)
    socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n')
    socket.on('end', () => socket.end())
    const { received } = await ended
    expect(received).toMatch(/^HTTP\/1\.1 408 /)
    expect(received).toContain('"code":"request_timeout"')
  })

  test('what Node refuses before routing is problem+json too: malformed HTTP is 400, oversized headers 431', async () => {
    const { port } = await start()
    for (const [request, status, code] of [
      ['GARBAGE\r\n\r\n', 400, 'invalid_request'],
      [
        `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`,
        431,
        'headers_too_large',
      ],
    ] as const) {
      const { socket, ended } = rawConnection(port)
      socket.on('end', () => socket.end())
      socket.write(request)
      const { received } = await ended
      expect(received).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `))
      expect(received).toContain('application/problem+json')
      expect(received).toContain(`"code":"${code}"`)
    }
  })

  test('a request that takes its time within the limit is served', async () => {
    const { port } = await start(1_000)
    const { socket, ended } = rawConnection(port)
    socket.write('POST /sandbox/settle HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n')
    await new Promise((resolve) => setTimeout(resolve, 300))
    socket.write('Connection: close\r\n\r\n')
    const { received } = await ended
    expect(received).toMatch(/^HTTP\/1\.1 2\d\d /)
  })
})

describe('a body over 1 MB', () => {
  /** One request on a keep-alive agent with a single socket, so the next request reuses it. */
  function send(agent: Agent, url: string, method: string, body?: Buffer, chunked = false) {
    return new Promise<{ status: number; connection: string | undefined; body: string; socket: Socket }>(
      (resolve, reject) => {
        const headers: Record<string, string | number> = body ? { 'Content-Type': 'application/json' } : {}
        if (body && !chunked) headers['Content-Length'] = body.length
        const req = request(url, { method, agent, headers }, (res) => {
          let text = ''
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString('utf8')
          })
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              connection: res.headers.connection,
              body: text,
              socket: req.socket as Socket,
            }),
          )
        })
        req.on('error', reject)
        if (body && chunked) {
          for (let at = 0; at < body.length; at += 64 * 1024) req.write(body.subarray(at, at + 64 * 1024))
          req.end()
        } else {
          req.end(body)
        }
      },
    )
  }

  test.each([
    ['with a Content-Length', false],
    ['chunked', true],
  ])('%s: the 413 keeps the connection, and the next request on it succeeds', async (_name, chunked) => {
    const { url } = await start()
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    try {
      const refused = await send(
        agent,
        `${url}/sandbox/reset`,
        'POST',
        Buffer.alloc(2_000_000, 0x20),
        chunked,
      )
      expect(refused.status).toBe(413)
      expect(JSON.parse(refused.body)).toMatchObject({ code: 'payload_too_large' })
      expect(refused.connection).toBe('keep-alive')
      const next = await send(agent, `${url}/health`, 'GET')
      expect(next.status).toBe(200)
      expect(next.socket).toBe(refused.socket)
    } finally {
      agent.destroy()
    }
  })

  test('a refused body that arrives over a second is drained too, and the connection serves the next request', async () => {
    const { port } = await start()
    const { socket, ended } = rawConnection(port)
    socket.write(
      'POST /sandbox/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n',
    )
    for (let sent = 0; sent < 2_000_000; sent += 200_000) {
      socket.write(Buffer.alloc(200_000, 0x20))
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    socket.end('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
    const { received, error } = await ended
    expect(error).toBeNull()
    expect(received).toMatch(/^HTTP\/1\.1 413 /)
    expect(received).toMatch(/\r\n\r\n\{[\s\S]*\}HTTP\/1\.1 200 /)
  })

  test('a body declared beyond what is worth draining gets 413 with Connection: close, and a clean close', async () => {
    const { port } = await start()
    const { socket, ended } = rawConnection(port)
    socket.write(
      'POST /sandbox/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n',
    )
    socket.on('end', () => socket.end())
    const { received, error, endedCleanly } = await ended
    expect(received).toMatch(/^HTTP\/1\.1 413 /)
    expect(received).toMatch(/\r\nConnection: close\r\n/i)
    expect(error).toBeNull()
    expect(endedCleanly).toBe(true)
  })
})
