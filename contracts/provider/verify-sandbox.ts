import { type LogLevel, Verifier, type VerifierOptions } from '@pact-foundation/pact'
import { PROVIDERS } from '../vocabulary.ts'
import { type BrokerAccess, pactsPerProvider } from './broker-pacts.ts'
import { type BrokerWatch, watchBroker } from './broker-watch.ts'
import type { VerificationSandbox } from './harness.ts'
import { isUrl, nothingToVerify, providerOf, resolvePactSources } from './pact-sources.ts'
import { pactHooks } from './request-filter.ts'

// Verifies pacts against the in-process sandbox: ours in CI, anyone's through
// `bank-sandbox verify`. It passes only when there was something to verify, every
// interaction passed, every provider state could be set up (request-filter.ts) and,
// when publishing, every result reached the broker (broker-watch.ts): Pact alone lets
// the last three slip.

export interface VerifyRequest {
  /** Pact files, directories of them, or URLs. */
  pactUrls?: string[]
  /** Fetch pacts from a Pact Broker, one verification per provider name. */
  broker?: BrokerAccess & {
    /** Only these; without, each of the sandbox's providers that the broker has pacts for. */
    providers?: string[]
    consumerVersionSelectors: NonNullable<VerifierOptions['consumerVersionSelectors']>
    enablePending?: boolean
    includeWipPactsSince?: string
  }
  /** Only these consumers' pacts. */
  consumers?: string[]
  /** The provider version's branch: selects pacts (matchingBranch, pending, WIP) and goes with results. */
  providerBranch?: string
  providerTags?: string[]
  /** Publish the results to the broker under this provider version. */
  publish?: { providerVersion: string; buildUrl?: string }
  logLevel?: LogLevel
}

export interface VerifyResult {
  passed: boolean
  /** Provider states and messages that could not be set up, in words. */
  problems: string[]
  /** Verification results that did not reach the broker, in words. */
  publication: string[]
  /** Set when there was nothing to verify: where it looked, in words. */
  nothing?: string
}

export async function verifySandbox(
  sandbox: VerificationSandbox,
  request: VerifyRequest,
  log: (line: string) => void = console.log,
): Promise<VerifyResult> {
  const runs = await verifierRuns(request, log)
  if (typeof runs === 'string') return { passed: false, problems: [], publication: [], nothing: runs }
  const problems = new Set<string>()
  const publication: string[] = []
  let passed = true
  for (const run of runs) {
    const watches = request.publish ? await relayThroughWatches(run, request.consumers ?? []) : []
    const verifier = new Verifier({
      ...run,
      providerBaseUrl: sandbox.url,
      logLevel: request.logLevel ?? 'warn',
      beforeEach: () => sandbox.startInteraction(),
      requestFilter: pactHooks(sandbox, problems),
      ...(request.consumers?.length ? { consumerFilters: request.consumers } : {}),
      ...providerOptions(request),
    })
    try {
      await verifier.verifyProvider()
    } catch {
      passed = false // Pact has printed which interactions failed, and why
    } finally {
      for (const watch of watches) {
        publication.push(...watch.failures())
        await watch.close()
      }
    }
  }
  if (problems.size > 0) {
    log(`\nProvider states and messages that failed to set up (${problems.size}):`)
    for (const problem of problems) log(`  - ${problem.replaceAll('\n', '\n    ')}`)
  }
  if (publication.length > 0) {
    log(`\nVerification results that did not reach the broker (${publication.length}):`)
    for (const failure of publication) log(`  - ${failure}`)
  }
  return {
    passed: passed && problems.size === 0 && publication.length === 0,
    problems: [...problems],
    publication,
  }
}

/** One run for local files and URLs, one per provider for a broker; or why there is nothing to run. */
async function verifierRuns(
  request: VerifyRequest,
  log: (line: string) => void,
): Promise<VerifierOptions[] | string> {
  const runs: VerifierOptions[] = []
  const nothing: string[] = []
  if (request.pactUrls?.length) {
    const found = resolvePactSources(request.pactUrls)
    for (const skipped of found.skipped) log(`Not a pact, skipped: ${skipped}`)
    const empty = nothingToVerify(found)
    if (empty) nothing.push(empty)
    else {
      const pactUrls = [...found.files, ...found.urls]
      runs.push({ provider: found.urls.length > 0 ? 'bank-sandbox' : providerOf(found.files), pactUrls })
    }
  }
  const { broker } = request
  if (broker) {
    const providers = broker.providers ?? (await providersWithPacts(request, broker, log))
    if (providers.length === 0)
      nothing.push(
        `the Pact Broker at ${broker.url} has no pact for ${Object.values(PROVIDERS).join(', ')} under the selectors ${JSON.stringify(broker.consumerVersionSelectors)}.`,
      )
    runs.push(...providers.map((provider) => brokerRun(broker, provider)))
  }
  return runs.length > 0 ? runs : nothing.join(' ')
}

/** Without --provider: each of the sandbox's providers that the broker offers pacts for, said aloud. */
async function providersWithPacts(
  request: VerifyRequest,
  broker: NonNullable<VerifyRequest['broker']>,
  log: (line: string) => void,
): Promise<string[]> {
  const counts = await pactsPerProvider(broker, Object.values(PROVIDERS), {
    ...broker,
    ...(request.providerBranch ? { providerBranch: request.providerBranch } : {}),
    ...(request.providerTags ? { providerTags: request.providerTags } : {}),
    ...(request.consumers ? { consumers: request.consumers } : {}),
  })
  const having = [...counts].filter(([, count]) => count > 0).map(([provider]) => provider)
  const without = [...counts].filter(([, count]) => count === 0).map(([provider]) => provider)
  log(
    `Pacts at the broker for ${having.length > 0 ? having.map((p) => `${p} (${counts.get(p)})`).join(', ') : 'none of the providers'}` +
      (without.length > 0 && having.length > 0 ? `; none for ${without.join(', ')}, not verified.` : '.'),
  )
  return having
}

function brokerRun(broker: NonNullable<VerifyRequest['broker']>, provider: string): VerifierOptions {
  return {
    provider,
    pactBrokerUrl: broker.url,
    consumerVersionSelectors: broker.consumerVersionSelectors,
    ...(broker.enablePending ? { enablePending: true } : {}),
    ...(broker.includeWipPactsSince ? { includeWipPactsSince: broker.includeWipPactsSince } : {}),
    ...(broker.token ? { pactBrokerToken: broker.token } : {}),
    ...(broker.username ? { pactBrokerUsername: broker.username } : {}),
    ...(broker.password ? { pactBrokerPassword: broker.password } : {}),
  }
}

/** Points the run's broker and pact URLs at relays that see each publication; returns them. */
async function relayThroughWatches(
  run: VerifierOptions,
  consumers: readonly string[],
): Promise<BrokerWatch[]> {
  const watches = new Map<string, BrokerWatch>()
  const watchFor = async (base: string) => {
    const watch = watches.get(base) ?? (await watchBroker(base, consumers))
    watches.set(base, watch)
    return watch
  }
  if (run.pactBrokerUrl) run.pactBrokerUrl = (await watchFor(run.pactBrokerUrl)).url
  if (run.pactUrls) {
    const urls: string[] = []
    for (const source of run.pactUrls)
      urls.push(isUrl(source) ? (await watchFor(new URL(source).origin)).through(source) : source)
    run.pactUrls = urls
  }
  return [...watches.values()]
}

/** Branch and tags reach the verifier whenever given: pact selection needs them, not only publishing. */
function providerOptions(request: VerifyRequest): Partial<VerifierOptions> {
  const { publish } = request
  return {
    ...(request.providerBranch ? { providerVersionBranch: request.providerBranch } : {}),
    ...(request.providerTags?.length ? { providerVersionTags: request.providerTags } : {}),
    ...(publish
      ? {
          publishVerificationResult: true,
          providerVersion: publish.providerVersion,
          ...(publish.buildUrl ? { buildUrl: publish.buildUrl } : {}),
        }
      : {}),
  }
}
