import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

// Pact's verifier logs a failed publication of results and still passes. To know, the
// verifier talks to the broker through this loopback relay, which forwards every call,
// points the broker's links back at itself, and notes each pact it hands out and each
// result the verifier publishes, with the broker's answer.

export interface BrokerWatch {
  /** Where the verifier should find the broker. */
  url: string
  /** The same URL as `original`, through the relay (a pact URL under the broker). */
  through(original: string): string
  /** Pacts served that the verifier must publish a result for (a publish link, a wanted consumer). */
  readonly expected: string[]
  /** Each POST of verification results and the broker's status (0: it never answered). */
  readonly publications: { path: string; status: number; detail: string }[]
  /** Why results did not reach the broker, in words; empty when every one did. */
  failures(): string[]
  close(): Promise<void>
}

const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'accept-encoding'])

export async function watchBroker(target: string, consumers: readonly string[] = []): Promise<BrokerWatch> {
  const base = target.replace(/\/+$/, '')
  let relay = ''
  const expected: string[] = []
  const publications: BrokerWatch['publications'] = []

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    const path = req.url ?? '/'
    const publishing = req.method === 'POST' && /\/verification-results\/?$/.test(path.split('?')[0] ?? '')
    try {
      const answer = await fetch(`${base}${path}`, {
        method: req.method ?? 'GET',
        headers: forwarded(req.headers),
        redirect: 'manual',
        ...(body.length > 0 ? { body } : {}),
      })
      const text = (await answer.text()).replaceAll(base, relay)
      if (publishing) publications.push({ path, status: answer.status, detail: text.slice(0, 200) })
      else if (answer.ok) notePact(text, path)
      const headers: Record<string, string> = {}
      answer.headers.forEach((value, name) => {
        if (!HOP_BY_HOP.has(name) && name !== 'content-encoding')
          headers[name] = value.replaceAll(base, relay)
      })
      res.writeHead(answer.status, headers).end(text)
    } catch (error) {
      const detail =
        error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : ''
      if (publishing) publications.push({ path, status: 0, detail })
      res.writeHead(502, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: detail }))
    }
  })

  /** A pact document with a link to publish its results: the verifier owes the broker one. */
  function notePact(text: string, path: string) {
    if (!text.startsWith('{')) return
    try {
      const pact = JSON.parse(text) as {
        consumer?: { name?: string }
        _links?: Record<string, unknown>
      }
      const consumer = pact.consumer?.name
      if (!consumer || !pact._links?.['pb:publish-verification-results']) return
      if (consumers.length === 0 || consumers.includes(consumer)) expected.push(path)
    } catch {
      // not JSON: nothing owed
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  relay = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: relay,
    through: (original) => original.replace(base, relay),
    expected,
    publications,
    failures() {
      // The verifier retries a refused publication: the last answer for each pact counts.
      const last = new Map(publications.map((p) => [p.path, p]))
      const tries = (path: string) => publications.filter((p) => p.path === path).length
      const failed = [...last.values()]
        .filter((p) => p.status < 200 || p.status > 299)
        .map((p) => {
          const answer = p.status === 0 ? `did not answer (${p.detail})` : `answered ${p.status} ${p.detail}`
          return `${base}${p.path}: the broker ${answer.trim()}${tries(p.path) > 1 ? ` (${tries(p.path)} tries)` : ''}`
        })
      const missing = expected.length - last.size
      if (missing > 0)
        failed.push(
          `${missing} of ${expected.length} pacts got no verification result (check that the broker's links point at ${base})`,
        )
      return failed
    },
    close: () =>
      new Promise((done) => {
        server.close(() => done())
        server.closeAllConnections()
      }),
  }
}

function forwarded(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined && !HOP_BY_HOP.has(name))
      out[name] = Array.isArray(value) ? value.join(', ') : value
  return out
}
