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
  /** Branches and tags the verifier put on provider versions: `provider/version branch|tag name`. */
  versions: string[]
  /** Verification results the verifier published. */
  results: { pact: string; body: { success?: boolean; providerApplicationVersion?: string } }[]
  close(): Promise<void>
}

/**
 * Serves each file under its provider's name; the file's own provider name is kept.
 * `failPublication` refuses every published result with a 400, as a broker that rejects it would.
 */
export async function startStubBroker(
  pactFiles: Record<string, string>,
  options: { failPublication?: boolean } = {},
): Promise<StubBroker> {
  const queries: StubBroker['queries'] = []
  const results: StubBroker['results'] = []
  const versions: StubBroker['versions'] = []
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
        const links = {
          'pb:publish-verification-results': { href: `${base}/pacts/${pact}/verification-results` },
          'pb:provider': { href: `${base}/pacticipants/${pact}` },
        }
        return send(200, { ...json, _links: links })
      }
      // Before publishing, the verifier puts the branch and tags on the provider version.
      const pacticipant = /^\/pacticipants\/([^/]+)$/.exec(path)?.[1]
      if (pacticipant && req.method === 'GET') {
        const at = `${base}/pacticipants/${pacticipant}`
        return send(200, {
          _links: {
            'pb:branch-version': { href: `${at}/branches/{branch}/versions/{version}`, templated: true },
            'pb:version-tag': { href: `${at}/versions/{version}/tags/{tag}`, templated: true },
          },
        })
      }
      const branch = /^\/pacticipants\/([^/]+)\/branches\/([^/]+)\/versions\/([^/]+)$/.exec(path)
      const tag = /^\/pacticipants\/([^/]+)\/versions\/([^/]+)\/tags\/([^/]+)$/.exec(path)
      if (req.method === 'PUT' && (branch || tag)) {
        if (branch) versions.push(`${branch[1]}/${branch[3]} branch ${decodeURIComponent(branch[2] ?? '')}`)
        if (tag) versions.push(`${tag[1]}/${tag[2]} tag ${decodeURIComponent(tag[3] ?? '')}`)
        return send(200, { _links: {} })
      }
      const published = /^\/pacts\/([^/]+)\/verification-results$/.exec(path)?.[1]
      if (published && req.method === 'POST') {
        results.push({ pact: published, body })
        if (options.failPublication) return send(400, { errors: { success: ['stub broker: refused'] } })
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
    versions,
    close: () => new Promise((done) => server.close(() => done())),
  }
}
