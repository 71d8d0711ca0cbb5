import { Agent, request } from 'node:http'
import type { FuzzRequest } from './route-fuzz.ts'

// A request sent byte for byte as built, through node's own client: \`fetch\` would normalise
// \`..\` and turn a lone surrogate into U+FFFD.

export interface Answer {
  status: number
  contentType: string | undefined
  body: string
}

/** A connection of its own for each: one the server closes after a refusal takes nothing else with it. */
const agent = new Agent({ keepAlive: false })

/**
 * One request, byte for byte as built. A connection the server cuts while the request is still
 * going out (a 431 or 413 it closes after) answers status 0; one it never takes is an error.
 */
export function send(port: number, fuzz: FuzzRequest, timeoutMs = 15_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // Said outright: node's client sends a GET's or DELETE's body with no length at all.
    const length = fuzz.body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(fuzz.body)) }
    const headers = { ...fuzz.headers, ...length }
    const outgoing = request(
      { host: '127.0.0.1', port, method: fuzz.method, path: fuzz.path, headers, agent },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers['content-type'],
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
        res.on('error', reject)
      },
    )
    outgoing.setTimeout(timeoutMs, () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)))
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE')
        resolve({ status: 0, contentType: undefined, body: '' })
      else reject(error)
    })
    outgoing.end(fuzz.body)
  })
}
