import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { type LogLevel, Verifier, type VerifierOptions } from '@pact-foundation/pact'
import type { VerificationSandbox } from './harness.ts'
import { pactHooks } from './request-filter.ts'

// Verifies pacts against the in-process sandbox: ours in CI, anyone's through
// `bank-sandbox verify`. Every provider state or message that could not be set up is
// collected (request-filter.ts), printed after Pact's report, and fails the run even
// where Pact itself would have let it pass.

export interface VerifyRequest {
  /** Pact files, directories of them, or URLs. */
  pactUrls?: string[]
  /** Fetch pacts from a Pact Broker, one verification per provider name. */
  broker?: {
    url: string
    providers: string[]
    consumerVersionSelectors: NonNullable<VerifierOptions['consumerVersionSelectors']>
    enablePending?: boolean
    includeWipPactsSince?: string
    token?: string
    username?: string
    password?: string
  }
  /** Only these consumers' pacts. */
  consumers?: string[]
  /** Publish the results to the broker under this provider version. */
  publish?: { providerVersion: string; branch?: string; tags?: string[]; buildUrl?: string }
  logLevel?: LogLevel
}

export interface VerifyResult {
  passed: boolean
  /** Provider states and messages that could not be set up, in words. */
  problems: string[]
}

export async function verifySandbox(
  sandbox: VerificationSandbox,
  request: VerifyRequest,
  log: (line: string) => void = console.log,
): Promise<VerifyResult> {
  const problems = new Set<string>()
  let passed = true
  for (const options of verifierRuns(request)) {
    const verifier = new Verifier({
      ...options,
      providerBaseUrl: sandbox.url,
      logLevel: request.logLevel ?? 'warn',
      beforeEach: () => sandbox.startInteraction(),
      requestFilter: pactHooks(sandbox, problems),
      ...(request.consumers?.length ? { consumerFilters: request.consumers } : {}),
      ...publishOptions(request),
    })
    try {
      await verifier.verifyProvider()
    } catch {
      passed = false // Pact has printed which interactions failed, and why
    }
  }
  if (problems.size > 0) {
    log(`\nProvider states and messages that failed to set up (${problems.size}):`)
    for (const problem of problems) log(`  - ${problem.replaceAll('\n', '\n    ')}`)
  }
  return { passed: passed && problems.size === 0, problems: [...problems] }
}

/** One run for local files and URLs, one per provider for a broker. */
function verifierRuns(request: VerifyRequest): VerifierOptions[] {
  const runs: VerifierOptions[] = []
  if (request.pactUrls?.length) {
    const pactUrls = request.pactUrls.flatMap(expandDirectory)
    runs.push({ provider: providerOf(pactUrls), pactUrls })
  }
  const { broker } = request
  if (broker) runs.push(...broker.providers.map((provider) => brokerRun(broker, provider)))
  return runs
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

function publishOptions({ publish }: VerifyRequest): Partial<VerifierOptions> {
  if (!publish) return {}
  return {
    publishVerificationResult: true,
    providerVersion: publish.providerVersion,
    ...(publish.branch ? { providerVersionBranch: publish.branch } : {}),
    ...(publish.tags?.length ? { providerVersionTags: publish.tags } : {}),
    ...(publish.buildUrl ? { buildUrl: publish.buildUrl } : {}),
  }
}

/** A directory stands for its pact files, in name order, so every run reads them alike. */
function expandDirectory(source: string): string[] {
  if (/^https?:\/\//i.test(source) || !statSync(source, { throwIfNoEntry: false })?.isDirectory())
    return [source]
  return readdirSync(source)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(source, name))
}

/** The provider the local pacts name, when they agree; the report headline uses it. */
function providerOf(sources: string[]): string {
  const names = new Set<string>()
  for (const source of sources) {
    if (/^https?:\/\//i.test(source)) return 'bank-sandbox'
    try {
      names.add(
        (JSON.parse(readFileSync(source, 'utf8')) as { provider?: { name?: string } }).provider?.name ?? '',
      )
    } catch {
      return 'bank-sandbox' // Pact reports the unreadable file itself
    }
  }
  const [only] = names
  return names.size === 1 && only ? only : 'bank-sandbox'
}
