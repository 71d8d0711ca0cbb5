import { type LogLevel, Verifier, type VerifierOptions } from '@pact-foundation/pact'
import { isProvider, PROVIDERS, PROVIDERS_IN_WORDS } from '../vocabulary.ts'
import { type BrokerAccess, pactsPerProvider } from './broker-pacts.ts'
import { type BrokerWatch, watchBroker } from './broker-watch.ts'
import type { VerificationSandbox } from './harness.ts'
import {
  foreignPact,
  isUrl,
  nothingToVerify,
  providerAt,
  providerOf,
  resolvePactSources,
} from './pact-sources.ts'
import { pactHooks } from './request-filter.ts'

// Verifies pacts against the in-process sandbox: ours in CI, anyone's through
// `bank-sandbox verify`. It passes only when there was something to verify, every pact
// is for one of the sandbox's providers (pact-sources.ts), every interaction passed,
// every provider state could be set up (request-filter.ts) and, when publishing, every
// result reached the broker (broker-watch.ts): Pact alone lets all of these slip.

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
  /** Set when pacts were turned away before anything ran (another provider's, or unreadable), in words. */
  refused?: string[]
}

export async function verifySandbox(
  sandbox: VerificationSandbox,
  request: VerifyRequest,
  log: (line: string) => void = console.log,
): Promise<VerifyResult> {
  const plan = await verifierRuns(request, log)
  if ('refused' in plan) return { passed: false, problems: [], publication: [], refused: plan.refused }
  if ('nothing' in plan) return { passed: false, problems: [], publication: [], nothing: plan.nothing }
  const { runs } = plan
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

/**
 * One run for local files and URLs, one per provider for a broker; or why nothing runs:
 * pacts turned away, or nothing to verify.
 */
async function verifierRuns(
  request: VerifyRequest,
  log: (line: string) => void,
): Promise<{ runs: VerifierOptions[] } | { refused: string[] } | { nothing: string }> {
  const runs: VerifierOptions[] = []
  const nothing: string[] = []
  if (request.pactUrls?.length) {
    const found = resolvePactSources(request.pactUrls)
    for (const skipped of found.skipped) log(`Not a pact, skipped: ${skipped}`)
    // Pact verifies any pact against the provider it is given: one written for another
    // provider would be checked against the wrong surface, and could even pass.
    const refused = [...found.foreign]
    const urlProviders: string[] = []
    for (const url of found.urls) {
      const named = await providerAt(url)
      if ('problem' in named) refused.push(named.problem)
      else if (!isProvider(named.provider)) refused.push(foreignPact(url, named.provider))
      else urlProviders.push(named.provider)
    }
    if (refused.length > 0) return { refused }
    const empty = nothingToVerify(found)
    if (empty) nothing.push(empty)
    else {
      const pactUrls = [...found.files, ...found.urls]
      runs.push({ provider: providerOf(found.files, urlProviders), pactUrls })
    }
  }
  const { broker } = request
  if (broker) {
    const others = (broker.providers ?? []).filter((provider) => !isProvider(provider))
    if (others.length > 0)
      return {
        refused: others.map(
          (provider) => `provider "${provider}" is not one this sandbox verifies: ${PROVIDERS_IN_WORDS}`,
        ),
      }
    const providers = broker.providers ?? (await providersWithPacts(request, broker, log))
    if (providers.length === 0)
      nothing.push(
        `the Pact Broker at ${broker.url} has no pact for ${Object.values(PROVIDERS).join(', ')} under the selectors ${JSON.stringify(broker.consumerVersionSelectors)}.`,
      )
    runs.push(...providers.map((provider) => brokerRun(broker, provider)))
  }
  return runs.length > 0 ? { runs } : { nothing: nothing.join(' ') }
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
