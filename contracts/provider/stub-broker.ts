import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

// A Pact Broker stub, just enough of its HAL API for one verification: the index, the
// "pacts for verification" query (which records the selectors it was asked with), the
// pacts themselves, and the endpoint that receives verification results.

export interface StubBroker {
  url: string
  /** Bodies POSTed to the pacts-for-verification query, per provider. */
  queries: { provider: string; body: Record<string, unknown> }[]
  /** Verification results the verifier published. */
  results: { pact: string; body: { success?: boolean; providerApplicationVersion?: string } }[]
  close(): Promise<void>
}

/** Serves each file under its provider's name; the file's own provider name is kept. */
export async function startStubBroker(pactFiles: Record<string, string>): Promise<StubBroker> {
  const queries: StubBroker['queries'] = []
  const results: StubBroker['results'] = []
  let base = ''
  const hal = { 'Content-Type': 'application/hal+json' }

  const server = createServer((req, res) => {
    let raw = ''
    req.on('data', (chunk) => {
      raw += chunk
    })
    req.on('end', () => {
      const path = new URL(req.url ?? '/', base).pathname
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {}
      const send = (status: number, json: unknown) => res.writeHead(status, hal).end(JSON.stringify(json))

      if (path === '/') {
        return send(200, {
          _links: {
            'pb:provider-pacts-for-verification': {
              href: `${base}/pacts/provider/{provider}/for-verification`,
              templated: true,
            },
          },
        })
      }
      const query = /^\/pacts\/provider\/([^/]+)\/for-verification$/.exec(path)
      // The verifier GETs the query resource first, then POSTs its selectors to its self link.
      if (query?.[1] && req.method === 'GET')
        return send(200, { _links: { self: { href: `${base}${path}` } } })
      if (query?.[1] && req.method === 'POST') {
        const provider = decodeURIComponent(query[1])
        queries.push({ provider, body })
        const pacts = pactFiles[provider] === undefined ? [] : [provider]
        return send(200, {
          _embedded: {
            pacts: pacts.map((name) => ({
              shortDescription: `the ${name} pact`,
              verificationProperties: { pending: false, notices: [] },
              _links: { self: { href: `${base}/pacts/${name}`, name: `the ${name} pact` } },
            })),
          },
        })
      }
      const pact = /^\/pacts\/([^/]+)$/.exec(path)?.[1]
      const file = pact === undefined ? undefined : pactFiles[pact]
      if (pact && file && req.method === 'GET') {
        const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
        const publish = { href: `${base}/pacts/${pact}/verification-results` }
        return send(200, { ...json, _links: { 'pb:publish-verification-results': publish } })
      }
      const published = /^\/pacts\/([^/]+)\/verification-results$/.exec(path)?.[1]
      if (published && req.method === 'POST') {
        results.push({ pact: published, body })
        return send(201, {})
      }
      send(404, { error: `stub broker: nothing at ${req.method} ${path}` })
    })
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: base,
    queries,
    results,
    close: () => new Promise((done) => server.close(() => done())),
  }
}
