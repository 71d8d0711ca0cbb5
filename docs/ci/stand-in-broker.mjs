#!/usr/bin/env node
// A stand-in Pact Broker, in memory, for running docs/ci/pact-broker-recipe.sh on a
// machine without one: just enough of the Pact Broker's HAL API for the recipe's steps —
// `pact-broker publish`, `create-environment`, `record-deployment` and `can-i-deploy`
// (from @pact-foundation/pact-cli), and `bank-sandbox verify --broker-url … --publish`.
// A real broker keeps far more (history, WIP and pending pacts, webhooks); use one in CI.
//
//   node docs/ci/stand-in-broker.mjs [--port 9292]     prints its URL, serves until killed
import { createHash, randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import { parseArgs } from 'node:util'

const { values } = parseArgs({ options: { port: { type: 'string', default: '9292' } } })

const pacts = [] // { consumer, provider, version, branch, content, sha }
const versions = new Map() // `${pacticipant}/${number}` → { branches: Set, tags: Set, deployedTo: Set }
const environments = new Map() // uuid → { uuid, name, displayName, production }
const results = [] // { sha, provider, providerVersion, success }

const versionOf = (pacticipant, number) => {
  const key = `${pacticipant}/${number}`
  if (!versions.has(key)) versions.set(key, { branches: new Set(), tags: new Set(), deployedTo: new Set() })
  return versions.get(key)
}

function routes(base) {
  const link = (href, extra = {}) => ({ href: `${base}${href}`, ...extra })
  const pactLinks = (pact) => ({
    self: link(`/pacts/sha/${pact.sha}`, {
      name: `Pact between ${pact.consumer} (${pact.version}) and ${pact.provider}`,
    }),
    'pb:publish-verification-results': link(`/pacts/sha/${pact.sha}/verification-results`),
    'pb:provider': link(`/pacticipants/${encodeURIComponent(pact.provider)}`),
  })
  return [
    [
      'GET',
      /^\/$/,
      () => [
        200,
        {
          _links: {
            'pb:publish-contracts': link('/contracts/publish'),
            'pb:environments': link('/environments'),
            'pb:provider-pacts-for-verification': link('/pacts/provider/{provider}/for-verification', {
              templated: true,
            }),
            'pb:pacticipant-version': link('/pacticipants/{pacticipant}/versions/{version}', {
              templated: true,
            }),
          },
        },
      ],
    ],
    [
      'POST',
      /^\/contracts\/publish$/,
      (body) => {
        const recorded = versionOf(body.pacticipantName, body.pacticipantVersionNumber)
        if (body.branch) recorded.branches.add(body.branch)
        for (const tag of body.tags ?? []) recorded.tags.add(tag)
        const logs = []
        for (const contract of body.contracts ?? []) {
          const content = JSON.parse(Buffer.from(contract.content, 'base64').toString('utf8'))
          const sha = createHash('sha1').update(JSON.stringify(content)).digest('hex')
          pacts.push({
            consumer: contract.consumerName,
            provider: contract.providerName,
            version: body.pacticipantVersionNumber,
            branch: body.branch ?? null,
            content,
            sha,
          })
          logs.push({
            level: 'info',
            message: `Pact published for ${contract.consumerName} version ${body.pacticipantVersionNumber} and provider ${contract.providerName}.`,
          })
        }
        const at = `/pacticipants/${encodeURIComponent(body.pacticipantName)}`
        const pacticipant = { name: body.pacticipantName, _links: { self: link(at) } }
        const number = body.pacticipantVersionNumber
        const version = { number, _links: { self: link(`${at}/versions/${encodeURIComponent(number)}`) } }
        const notices = logs.map(({ message }) => ({ type: 'success', text: message }))
        return [
          200,
          {
            notices,
            logs,
            _embedded: { pacticipant, version },
            _links: { self: link('/contracts/publish') },
          },
        ]
      },
    ],
    [
      'GET',
      /^\/environments$/,
      () => [200, { _embedded: { environments: [...environments.values()] }, _links: {} }],
    ],
    [
      'POST',
      /^\/environments$/,
      (body) => {
        const environment = {
          uuid: randomUUID(),
          name: body.name,
          displayName: body.displayName ?? body.name,
          production: body.production ?? false,
        }
        environments.set(environment.uuid, environment)
        return [201, { ...environment, _links: { self: link(`/environments/${environment.uuid}`) } }]
      },
    ],
    [
      'GET',
      /^\/pacts\/provider\/([^/]+)\/for-verification$/,
      (_, [provider]) => [
        200,
        { _links: { self: link(`/pacts/provider/${encodeURIComponent(provider)}/for-verification`) } },
      ],
    ],
    [
      'POST',
      /^\/pacts\/provider\/([^/]+)\/for-verification$/,
      (body, [provider]) => {
        const chosen = new Map() // consumer → latest pact that a selector picks
        for (const selector of body.consumerVersionSelectors ?? [])
          for (const pact of pacts)
            if (pact.provider === provider && picks(selector, pact, body.providerVersionBranch))
              chosen.set(`${pact.consumer}/${pact.sha}`, pact)
        const embedded = [...chosen.values()].map((pact) => ({
          shortDescription: `latest of ${pact.consumer} on ${pact.branch}`,
          verificationProperties: { pending: false, notices: [] },
          _links: { self: pactLinks(pact).self },
        }))
        return [200, { _embedded: { pacts: embedded } }]
      },
    ],
    [
      'GET',
      /^\/pacts\/sha\/([0-9a-f]+)$/,
      (_, [sha]) => {
        const pact = pacts.find((p) => p.sha === sha)
        return pact ? [200, { ...pact.content, _links: pactLinks(pact) }] : [404, { error: 'no such pact' }]
      },
    ],
    [
      'POST',
      /^\/pacts\/sha\/([0-9a-f]+)\/verification-results$/,
      (body, [sha]) => {
        const pact = pacts.find((p) => p.sha === sha)
        if (!pact) return [404, { error: 'no such pact' }]
        results.push({
          sha,
          provider: pact.provider,
          providerVersion: body.providerApplicationVersion,
          success: body.success === true,
        })
        versionOf(pact.provider, body.providerApplicationVersion)
        return [201, { success: body.success, _links: {} }]
      },
    ],
    [
      'GET',
      /^\/pacticipants\/([^/]+)$/,
      (_, [name]) => [
        200,
        {
          name,
          _links: {
            'pb:branch-version': link(
              `/pacticipants/${encodeURIComponent(name)}/branches/{branch}/versions/{version}`,
              { templated: true },
            ),
            'pb:version-tag': link(
              `/pacticipants/${encodeURIComponent(name)}/versions/{version}/tags/{tag}`,
              { templated: true },
            ),
          },
        },
      ],
    ],
    [
      'PUT',
      /^\/pacticipants\/([^/]+)\/branches\/([^/]+)\/versions\/([^/]+)$/,
      (_, [name, branch, number]) => {
        versionOf(name, number).branches.add(branch)
        return [200, { _links: {} }]
      },
    ],
    [
      'PUT',
      /^\/pacticipants\/([^/]+)\/versions\/([^/]+)\/tags\/([^/]+)$/,
      (_, [name, number, tag]) => {
        versionOf(name, number).tags.add(tag)
        return [200, { _links: {} }]
      },
    ],
    [
      'GET',
      /^\/pacticipants\/([^/]+)\/versions\/([^/]+)$/,
      (_, [name, number]) => {
        if (!versions.has(`${name}/${number}`)) return [404, { error: `no version ${number} of ${name}` }]
        const recordDeployment = [...environments.values()].map((env) => ({
          title: `Record deployment to ${env.displayName}`,
          name: env.name,
          href: `${base}/pacticipants/${encodeURIComponent(name)}/versions/${encodeURIComponent(number)}/deployed-versions/environment/${env.uuid}`,
        }))
        return [
          200,
          {
            number,
            _links: {
              self: link(`/pacticipants/${name}/versions/${number}`),
              'pb:record-deployment': recordDeployment,
            },
          },
        ]
      },
    ],
    [
      'POST',
      /^\/pacticipants\/([^/]+)\/versions\/([^/]+)\/deployed-versions\/environment\/([^/]+)$/,
      (_, [name, number, uuid]) => {
        if (!environments.has(uuid)) return [404, { error: 'no such environment' }]
        versionOf(name, number).deployedTo.add(uuid)
        return [201, { uuid: randomUUID(), currentlyDeployed: true, _links: {} }]
      },
    ],
    ['GET', /^\/matrix$/, (_, __, query) => [200, matrix(query)]],
  ]
}

/** Does a consumer version selector pick this pact? (branch, mainBranch, matchingBranch, consumer, latest) */
function picks(selector, pact, providerBranch) {
  if (selector.consumer && selector.consumer !== pact.consumer) return false
  if (selector.branch) return pact.branch === selector.branch
  if (selector.mainBranch) return pact.branch === 'main' || pact.branch === 'master'
  if (selector.matchingBranch) return providerBranch !== undefined && pact.branch === providerBranch
  if (selector.deployedOrReleased || selector.deployed) return false
  return Boolean(selector.latest || selector.consumer)
}

/** can-i-deploy: every pact of this consumer version needs a successful result from a version of its provider deployed there. */
function matrix(query) {
  const pacticipant = query.get('q[][pacticipant]')
  const version = query.get('q[][version]')
  const environment = [...environments.values()].find((env) => env.name === query.get('environment'))
  const rows = []
  let failed = 0
  let unknown = 0
  for (const pact of pacts.filter((p) => p.consumer === pacticipant && p.version === version)) {
    const deployed = [...versions].filter(
      ([key, v]) => key.startsWith(`${pact.provider}/`) && environment && v.deployedTo.has(environment.uuid),
    )
    const deployedNumbers = deployed.map(([key]) => key.slice(pact.provider.length + 1))
    const result = results.findLast((r) => r.sha === pact.sha && deployedNumbers.includes(r.providerVersion))
    if (!result) unknown++
    else if (!result.success) failed++
    rows.push({
      consumer: { name: pact.consumer, version: { number: pact.version } },
      provider: { name: pact.provider, version: result ? { number: result.providerVersion } : null },
      pact: { createdAt: new Date().toISOString() },
      verificationResult: result ? { success: result.success, verifiedAt: new Date().toISOString() } : null,
    })
  }
  const deployable = rows.length > 0 && failed === 0 && unknown === 0
  const reason = !environment
    ? `No environment named ${query.get('environment')}`
    : deployable
      ? 'All required verification results are published and successful'
      : `There are ${failed} failed and ${unknown} missing verification results`
  return {
    summary: { deployable, reason, success: rows.length - failed - unknown, failed, unknown },
    notices: [{ type: deployable ? 'success' : 'warning', text: reason }],
    matrix: rows,
  }
}

const server = createServer(async (req, res) => {
  let raw = ''
  for await (const chunk of req) raw += chunk
  const url = new URL(req.url ?? '/', 'http://stand-in')
  const base = `http://${req.headers.host}`
  const send = (status, body) =>
    res.writeHead(status, { 'Content-Type': 'application/hal+json' }).end(JSON.stringify(body))
  for (const [method, path, handle] of routes(base)) {
    const match = req.method === method ? path.exec(url.pathname) : null
    if (match) {
      try {
        return send(
          ...handle(raw ? JSON.parse(raw) : {}, match.slice(1).map(decodeURIComponent), url.searchParams),
        )
      } catch (error) {
        return send(400, { error: error instanceof Error ? error.message : String(error) })
      }
    }
  }
  if (process.env.STAND_IN_BROKER_DEBUG) console.error(`stand-in broker: nothing at ${req.method} ${req.url}`)
  send(404, { error: `the stand-in broker has nothing at ${req.method} ${url.pathname}` })
})
server.listen(Number(values.port), '127.0.0.1', () => {
  console.log(`stand-in Pact Broker on http://127.0.0.1:${server.address().port}`)
})
