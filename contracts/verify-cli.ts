import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs, stripVTControlCharacters } from 'node:util'
import type { LogLevel } from '@pact-foundation/pact'
import type { CliIo } from '../sandbox/cli/io.ts'
import { parseSeed, wholeNumber } from '../sandbox/cli/options.ts'
import { UsageError } from '../sandbox/usage-error.ts'
import type { VerificationSandbox } from './provider/harness.ts'
import type { VerifyRequest } from './provider/verify-sandbox.ts'
import { isProvider, PROVIDERS, PROVIDERS_IN_WORDS } from './vocabulary.ts'

// `bank-sandbox verify`: the sandbox as a Pact provider for anyone's consumer pacts —
// local files, URLs, or a Pact Broker — with the provider-state vocabulary of
// contracts/STATES.md. Pact prints its report, in colour only on a terminal and without
// NO_COLOR; the exit code is 0 only when every pact is for one of the sandbox's
// providers, every interaction passed and every provider state could be set up.

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const
/** Pact's recommended default: what is on main, what is deployed or released, and the same branch. */
const DEFAULT_SELECTORS = [{ mainBranch: true }, { deployedOrReleased: true }, { matchingBranch: true }]
/** Without --provider-branch there is no branch to match: the broker would refuse matchingBranch. */
const DEFAULT_SELECTORS_WITHOUT_BRANCH = DEFAULT_SELECTORS.filter((s) => !('matchingBranch' in s))

const VERIFY_HELP = `bank-sandbox verify — the sandbox as a Pact provider (bank API, Send API, bank webhooks)

Usage:
  bank-sandbox verify --pact FILE|DIR|URL …
  bank-sandbox verify --broker-url URL [--provider NAME …] [--consumer-version-selectors JSON]
                      [--consumer NAME …] [--enable-pending] [--include-wip-pacts-since DATE]
                      [--broker-token T | --broker-username U --broker-password P]
                      [--provider-branch B] [--provider-tag T …]
                      [--publish --provider-version V [--build-url URL]]
  common: [--seed 42] [--customers 1000] [--log-level trace|debug|info|warn|error]

Broker options fall back to PACT_BROKER_BASE_URL, PACT_BROKER_TOKEN, PACT_BROKER_USERNAME,
PACT_BROKER_PASSWORD and PACT_BROKER_PUBLISH_VERIFICATION_RESULTS=true. Without --provider,
each of ${Object.values(PROVIDERS).join(', ')} that the broker has pacts for is verified.
Default selectors: ${JSON.stringify(DEFAULT_SELECTORS)}
(without matchingBranch when no --provider-branch is given). Provider states: contracts/STATES.md.
Pacts must name the provider ${PROVIDERS_IN_WORDS}. The report is in colour only when
stdout is a terminal and NO_COLOR is not set.
Exit status: 0 when every interaction passed (and, with --publish, every result reached the
broker); 1 when any failed, there was nothing to verify or a pact is for another provider;
2 on a usage error.
`

export async function verifyCommand(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(VERIFY_HELP)
    return 0
  }
  let request: VerifyRequest
  let world: { seed: number; customers: number }
  try {
    ;({ request, world } = parseVerifyArgs(args, io.env))
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.stderr.write(`bank-sandbox: ${error.message}\nRun "bank-sandbox verify --help" for usage.\n`)
    return 2
  }
  if (!(io.stdout.isTTY && !io.env.NO_COLOR) && !io.env[IN_CHILD]) return verifyInChild(args, io)
  // The native verifier reads the process environment; its usage telemetry stays off
  // unless the user asked for it.
  process.env.PACT_DO_NOT_TRACK ??= 'true'
  const fail = (message: string) => {
    io.stderr.write(`bank-sandbox verify: ${message}\n`)
    return 1
  }
  // Loaded here: a process that only relays a child's report (above) needs neither.
  const { startVerificationSandbox } = await import('./provider/harness.ts')
  const { verifySandbox } = await import('./provider/verify-sandbox.ts')
  let sandbox: VerificationSandbox
  try {
    sandbox = await startVerificationSandbox(world)
  } catch (error) {
    return fail(`could not start the sandbox: ${messageOf(error)}`)
  }
  try {
    const result = await verifySandbox(sandbox, request, (line) => io.stdout.write(`${line}\n`))
    if (result.refused) {
      for (const reason of result.refused) fail(reason)
      return 1
    }
    if (result.nothing) return fail(result.nothing)
    io.stdout.write(
      result.passed
        ? '\nbank-sandbox verify: every interaction passed.\n'
        : result.publication.length > 0 && result.problems.length === 0
          ? '\nbank-sandbox verify: FAILED: verification results did not reach the broker (see above).\n'
          : '\nbank-sandbox verify: verification FAILED (see the report above).\n',
    )
    return result.passed ? 0 : 1
  } catch (error) {
    return fail(messageOf(error))
  } finally {
    await sandbox.close()
  }
}

/** Set for the process that runs the verification for `verifyInChild`: it verifies in itself. */
const IN_CHILD = 'BANK_SANDBOX_VERIFY_CHILD'

/**
 * Pact's native verifier prints its report in colour, straight to file descriptor 1:
 * nothing in this process can turn the colour off (Pact JS does not pass on the core's
 * coloured-output switch, and the core heeds neither NO_COLOR nor a pipe) or catch what
 * it writes. So when the report must be plain, the verification runs in a child process
 * whose output reaches us through pipes, and the escape codes are taken out on the way.
 */
function verifyInChild(args: string[], io: CliIo): Promise<number> {
  const child = spawn(process.execPath, [cliEntry(), 'verify', ...args], {
    env: { ...process.env, ...io.env, [IN_CHILD]: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const stdout = plainLines(io.stdout)
  const stderr = plainLines(io.stderr)
  child.stdout.setEncoding('utf8').on('data', stdout.write)
  child.stderr.setEncoding('utf8').on('data', stderr.write)
  return new Promise((resolve) => {
    let settled = false
    const settle = (code: number) => {
      if (settled) return
      settled = true
      stdout.end()
      stderr.end()
      resolve(code)
    }
    child.on('error', (error) => {
      io.stderr.write(`bank-sandbox verify: could not start the verification: ${error.message}\n`)
      settle(1)
    })
    child.on('close', (code, signal) => {
      if (signal) io.stderr.write(`bank-sandbox verify: the verification was stopped by ${signal}.\n`)
      settle(code ?? 1)
    })
  })
}

/** This package's `bin/bank-sandbox.js`, looked for upwards: from dist/chunks/ in the bundle, contracts/ in the source. */
function cliEntry(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const bin = join(dir, 'bin', 'bank-sandbox.js')
    if (existsSync(bin)) return bin
    if (dirname(dir) === dir)
      throw new Error('bin/bank-sandbox.js is not in any directory above this module.')
  }
}

/** Passes text on without escape codes, a line at a time: a code may straddle two chunks. */
function plainLines(into: NodeJS.WritableStream) {
  let rest = ''
  return {
    write: (chunk: string) => {
      const text = rest + chunk
      const end = text.lastIndexOf('\n') + 1
      rest = text.slice(end)
      if (end > 0) into.write(stripVTControlCharacters(text.slice(0, end)))
    },
    end: () => {
      if (rest) into.write(stripVTControlCharacters(rest))
      rest = ''
    },
  }
}

const messageOf = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? ''

const OPTIONS = {
  pact: { type: 'string', multiple: true },
  'broker-url': { type: 'string' },
  'broker-token': { type: 'string' },
  'broker-username': { type: 'string' },
  'broker-password': { type: 'string' },
  provider: { type: 'string', multiple: true },
  'consumer-version-selectors': { type: 'string' },
  consumer: { type: 'string', multiple: true },
  'enable-pending': { type: 'boolean' },
  'include-wip-pacts-since': { type: 'string' },
  publish: { type: 'boolean' },
  'provider-version': { type: 'string' },
  'provider-branch': { type: 'string' },
  'provider-tag': { type: 'string', multiple: true },
  'build-url': { type: 'string' },
  seed: { type: 'string' },
  customers: { type: 'string' },
  'log-level': { type: 'string' },
} as const

type Values = ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS }>>['values']

export function parseVerifyArgs(args: string[], env: Record<string, string | undefined>) {
  let values: Values
  try {
    values = parseArgs({ args, options: OPTIONS }).values
  } catch (error) {
    throw new UsageError(messageOf(error))
  }
  const brokerUrl = values['broker-url'] ?? env.PACT_BROKER_BASE_URL
  const pactUrls = values.pact ?? []
  if (pactUrls.length === 0 && !brokerUrl)
    throw new UsageError('verify needs --pact FILE|DIR|URL, or --broker-url (or PACT_BROKER_BASE_URL).')
  for (const source of pactUrls)
    if (!/^https?:\/\//i.test(source) && !existsSync(source))
      throw new UsageError(`--pact ${source}: no such file or directory.`)
  const publish = values.publish === true || env.PACT_BROKER_PUBLISH_VERIFICATION_RESULTS === 'true'
  const providerVersion = values['provider-version']
  if (publish && !providerVersion)
    throw new UsageError('Publishing results needs --provider-version (e.g. the git commit).')
  for (const provider of values.provider ?? [])
    if (!isProvider(provider))
      throw new UsageError(`--provider ${provider}: not one this sandbox verifies: ${PROVIDERS_IN_WORDS}.`)
  const logLevel = values['log-level'] ?? 'warn'
  if (!LOG_LEVELS.includes(logLevel as LogLevel))
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}.`)

  const request: VerifyRequest = { pactUrls, logLevel: logLevel as LogLevel }
  if (brokerUrl) request.broker = broker(brokerUrl, values, env)
  if (values.consumer) request.consumers = values.consumer
  if (values['provider-branch']) request.providerBranch = values['provider-branch']
  if (values['provider-tag']) request.providerTags = values['provider-tag']
  if (publish && providerVersion) {
    request.publish = { providerVersion }
    if (values['build-url']) request.publish.buildUrl = values['build-url']
  }
  const world = {
    seed: parseSeed(values.seed) ?? 42,
    customers: wholeNumber(values.customers, 'customers', 10, 1_000_000) ?? 1000,
  }
  return { request, world }
}

function broker(
  url: string,
  values: Values,
  env: Record<string, string | undefined>,
): NonNullable<VerifyRequest['broker']> {
  const token = values['broker-token'] ?? env.PACT_BROKER_TOKEN
  const username = values['broker-username'] ?? env.PACT_BROKER_USERNAME
  const password = values['broker-password'] ?? env.PACT_BROKER_PASSWORD
  if (token && (username || password))
    throw new UsageError('Give the broker a token or a username and password, not both.')
  const branch = values['provider-branch']
  const consumerVersionSelectors = selectors(values['consumer-version-selectors'], branch)
  if (!branch && consumerVersionSelectors.some((s) => 'matchingBranch' in s))
    throw new UsageError('The matchingBranch selector needs --provider-branch (the branch to match).')
  return {
    url,
    ...(values.provider ? { providers: values.provider } : {}),
    consumerVersionSelectors,
    ...(values['enable-pending'] ? { enablePending: true } : {}),
    ...(values['include-wip-pacts-since'] ? { includeWipPactsSince: values['include-wip-pacts-since'] } : {}),
    ...(token ? { token } : {}),
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
  }
}

function selectors(
  json: string | undefined,
  branch: string | undefined,
): NonNullable<VerifyRequest['broker']>['consumerVersionSelectors'] {
  if (json === undefined) return branch ? DEFAULT_SELECTORS : DEFAULT_SELECTORS_WITHOUT_BRANCH
  let parsed: unknown
  try {
    parsed = JSON.parse(json)
  } catch {
    throw new UsageError('--consumer-version-selectors must be JSON, e.g. \'[{"mainBranch":true}]\'.')
  }
  if (
    !Array.isArray(parsed) ||
    !parsed.every((s) => typeof s === 'object' && s !== null && !Array.isArray(s))
  )
    throw new UsageError('--consumer-version-selectors must be a JSON array of selector objects.')
  return parsed
}
