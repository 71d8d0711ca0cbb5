import { type Server, type ServerOptions, type ServerResponse, STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import { MAX_BODY_BYTES } from './guards.ts'
import { Problem, problems } from './problem.ts'

// The node-level edge, below Hono: how long a request may take to arrive, and what a
// client hears when Node itself refuses it. Node keeps the time (`requestTimeout` covers
// headers and body together, checked every `connectionsCheckingInterval`); we choose
// the words, because Node's own 408 and 400 are bare. A refused connection is closed
// gently: the answer, then FIN, then a short linger before the socket goes, so that a
// client still sending reads the answer instead of a reset.

export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 30
const LINGER_MS = 2_000

export function connectionOptions(requestTimeoutMs: number): ServerOptions {
  return {
    requestTimeout: requestTimeoutMs,
    // Node's default for headers is 60 s; they can never take longer than the whole request.
    headersTimeout: Math.min(requestTimeoutMs, 60_000),
    // Node checks deadlines on this beat: a request is cut between the limit and a beat later.
    connectionsCheckingInterval: Math.min(1_000, Math.max(100, Math.floor(requestTimeoutMs / 4))),
  }
}

/** The latest exchange on a connection: whether a timed-out request has been answered already. */
const LATEST = Symbol('latest exchange')
type Connection = Socket & { [LATEST]?: ServerResponse }

/**
 * Answers Node's refusals (timeouts, malformed requests) as problem+json, and closes the
 * connection. The server's request listener calls `noteExchange` first on every request
 * (rather than this adding a second listener, which every request would pay for).
 */
export function answerClientErrors(server: Server, requestTimeoutMs: number): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Connection) => {
    if (socket.destroyed || socket.writableEnded) return
    const res = socket[LATEST]
    const answered = res !== undefined && !res.req.complete && res.headersSent
    const problem = error.code === 'ECONNRESET' || answered ? null : problemFor(error, requestTimeoutMs)
    closeGently(socket, problem === null ? '' : rawResponse(problem))
  })
}

export function noteExchange(res: ServerResponse): void {
  const socket = res.socket as Connection | null
  if (socket) socket[LATEST] = res
}

function problemFor(error: NodeJS.ErrnoException, requestTimeoutMs: number): Problem {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return problems.requestTimeout(requestTimeoutMs / 1000)
    case 'HPE_HEADER_OVERFLOW':
      return new Problem('headers_too_large', 'The request headers are larger than this server reads.')
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return problems.payloadTooLarge(MAX_BODY_BYTES)
    default:
      return problems.invalidRequest('The request is not well-formed HTTP/1.1.')
  }
}

function rawResponse(problem: Problem): string {
  const body = JSON.stringify(problem.toBody())
  return (
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n` +
    'Content-Type: application/problem+json\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  )
}

function closeGently(socket: Socket, answer: string): void {
  socket.end(answer)
  const linger = setTimeout(() => socket.destroy(), LINGER_MS).unref()
  socket.once('close', () => clearTimeout(linger))
}
