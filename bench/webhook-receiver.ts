import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

// The integration's side of the delivery bench: a loopback server that answers every
// webhook 204 at once and counts the consent.revoked ids it has seen, and how many came
// again. Posts from the bare baseline (ids starting bare_) are answered, not counted.

export interface Receiver {
  url: string
  /** Distinct webhook ids of consent.revoked deliveries seen so far. */
  distinct(): number
  /** Deliveries of an id already seen. */
  repeats(): number
  /** One body as the sandbox sent it, for the baseline. */
  sample(): string
  close(): Promise<void>
}

export async function startReceiver(): Promise<Receiver> {
  const seen = new Set<string>()
  let repeats = 0
  let sample = ''
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const id = String(req.headers['webhook-id'] ?? '')
      if (!id.startsWith('bare_')) {
        const body = Buffer.concat(chunks).toString()
        if ((JSON.parse(body) as { type?: string }).type === 'consent.revoked') {
          if (seen.has(id)) repeats++
          else seen.add(id)
          sample ||= body
        }
      }
      res.writeHead(204).end()
    })
  })
  server.keepAliveTimeout = 60_000
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    distinct: () => seen.size,
    repeats: () => repeats,
    sample: () => sample,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
