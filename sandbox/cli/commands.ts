import { randomBytes, randomInt } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { parseArgs } from 'node:util'
import { DEFAULT_BANKS } from '../bank/policy.ts'
import { publicCredentials } from '../credentials.ts'
import { generateWorld } from '../generate/generate.ts'
import { type Clock, createClock } from '../time/clock.ts'
import { UsageError } from './usage-error.ts'

// Command parsing only: each command calls into the modules. `io` carries the outside
// world (streams, wall clock, env), so the CLI runs the same in tests as in a shell.

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean }
  stderr: NodeJS.WritableStream & { isTTY?: boolean }
  env: Record<string, string | undefined>
  wallNow: () => number
}

// Commands load the server, the scenario engine or Pact only when they run: `generate`
// streams for minutes and should not carry the web stack's memory.

const SERVE_USAGE = `  bank-sandbox serve [--port 4545] [--host 127.0.0.1] [--seed 42] [--customers 1000] [--days 90]
                     [--integration URL|reference|faulty/<name>|none] [--random-secrets] [--admin-key KEY]
                     [--stable-secrets] [--allow-loopback-targets]   (a host beyond loopback is shared mode: secrets are
                                                                     random, outbound URLs must resolve to public addresses;
                                                                     these keep seed-derived secrets, let loopback through)
                     [--request-timeout 30]   (seconds for a whole request to arrive, else 408)
                     [--max-worlds 100] [--world-ttl 24h]   (worlds made with POST /sandbox/worlds)
                     [--data-dir DIR | --database postgres://…]   (keep state: on disk, or in PostgreSQL;
                                                                   DATABASE_URL works too; default: memory)
`

const HELP = `bank-sandbox — simulated banks and messaging platform for building bank-to-chat integrations

Usage:
${SERVE_USAGE}  bank-sandbox generate --seed S --customers N --days D [--format ndjson|json|csv] [--out FILE] [--now ISO]
  bank-sandbox scenario list
  bank-sandbox scenario run NAME…|--all [--integration URL|reference[/<name>]|faulty/<name>] [--report FILE.xml|FILE.json]
                            [--sandbox URL] [--admin-key KEY] [--reaction-ms 5000] [--world ID] [--wait]
  bank-sandbox world create [--sandbox URL] [--seed S] [--customers N] [--days D] [--admin-key KEY]
  bank-sandbox world list [--sandbox URL] [--admin-key KEY]
  bank-sandbox world delete ID [--sandbox URL] [--admin-key KEY]
  bank-sandbox integrations
  bank-sandbox evidence --consent ID [--format json|html] [--sandbox URL] [--world ID] [--admin-key KEY]
  bank-sandbox verify --pact FILE|DIR|URL … | --broker-url URL [--provider NAME …] [--publish --provider-version V]
                      (Pact provider verification; "bank-sandbox verify --help" lists every option)
  bank-sandbox openapi
  bank-sandbox help
`

/** Runs one command; resolves to the process exit code (a server keeps running: resolves to null). */
export async function runCli(argv: string[], io: CliIo): Promise<number | null> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case 'serve':
        return await serveCommand(rest, io)
      case 'generate':
        await generateCommand(rest, io)
        return 0
      case 'scenario':
        return await (await import('../../scenarios/cli.ts')).scenarioCommand(rest, io)
      case 'world':
        return await (await import('./world.ts')).worldCommand(rest, io)
      case 'integrations':
        return (await import('../../scenarios/integrations-command.ts')).integrationsCommand(io)
      case 'evidence':
        return await (await import('./evidence.ts')).evidenceCommand(rest, io)
      case 'verify':
        // Loaded on demand: Pact's native core is only needed here.
        return await (await import('../../contracts/verify-cli.ts')).verifyCommand(rest, io)
      case 'openapi':
        io.stdout.write(`${JSON.stringify(await openapiDocument(), null, 2)}\n`)
        return 0
      case undefined:
      case 'help':
      case '--help':
        io.stdout.write(HELP)
        return 0
      default:
        throw new UsageError(`Unknown command "${command}".`)
    }
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error)) {
      io.stderr.write(`bank-sandbox: ${error.message}\nRun "bank-sandbox help" for usage.\n`)
      return 2
    }
    throw error
  }
}

function integer(
  value: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}.`)
  return n
}

/** A duration such as 90s, 30m, 24h or 7d (bare numbers are seconds), in ms. */
function duration(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback
  const match = /^(\d+)(s|m|h|d)?$/.exec(value)
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match?.[2] ?? 's'] ?? 1_000
  const ms = Number(match?.[1]) * unit
  if (!match || ms < 1_000 || ms > 365 * 86_400_000)
    throw new UsageError(`--${name} must be a duration from 1s to 365d, such as 90s, 30m, 24h or 7d.`)
  return ms
}

/** Resolves to null once the server listens (it keeps running), or 0 after --help. */
async function serveCommand(args: string[], io: CliIo): Promise<number | null> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      customers: { type: 'string' },
      days: { type: 'string' },
      integration: { type: 'string' },
      'random-secrets': { type: 'boolean' },
      'stable-secrets': { type: 'boolean' },
      'allow-loopback-targets': { type: 'boolean' },
      'admin-key': { type: 'string' },
      'request-timeout': { type: 'string' },
      'data-dir': { type: 'string' },
      database: { type: 'string' },
      'max-worlds': { type: 'string' },
      'world-ttl': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    io.stdout.write(`Usage:\n${SERVE_USAGE}`)
    return 0
  }
  const host = values.host ?? '127.0.0.1'
  const port = integer(values.port, 'port', 4545, 0, 65535)
  const askedSeed = values.seed === undefined ? undefined : integer(values.seed, 'seed', 42, 0, 2 ** 31 - 1)
  const customers = integer(values.customers, 'customers', 1000, 1, 100_000_000)
  const days = integer(values.days, 'days', 90, 1, 3650)
  const requestTimeout = integer(values['request-timeout'], 'request-timeout', 30, 1, 3600)
  const { openStore } = await import('../store/open.ts')
  const { store, seed } = await openStore(
    {
      dataDir: values['data-dir'],
      databaseUrl: values.database ?? io.env.DATABASE_URL,
      seed: askedSeed,
    },
    42,
  )
  // A kept store attaches what it had attached, unless the command line says otherwise.
  const kept = store.state.settings.get('attached') as string | null | undefined
  const integration = values.integration ?? (kept === undefined ? 'reference' : (kept ?? 'none'))
  const { checkIntegration, startServing, targetRules } = await import('../serving/start.ts')
  const allowLoopbackTargets = values['allow-loopback-targets'] ?? false
  await checkIntegration(
    integration === 'none' ? null : integration,
    targetRules({ host, allowLoopbackTargets }),
  )
  const { isLoopbackName } = await import('../http/host-guard.ts')
  const adminKey =
    values['admin-key'] ??
    io.env.SANDBOX_ADMIN_KEY ??
    (isLoopbackName(host) ? null : randomBytes(16).toString('hex'))
  const clock: Clock = createClock({ startMs: io.wallNow(), mode: 'real', wallNow: io.wallNow })
  const server = await startServing({
    port,
    host,
    seed,
    customers,
    days,
    clock,
    integration: integration === 'none' ? null : integration,
    randomSecrets: values['random-secrets'] ?? false,
    stableSecrets: values['stable-secrets'] ?? false,
    allowLoopbackTargets,
    adminKey,
    claimFrom: randomInt(customers),
    requestTimeoutMs: requestTimeout * 1000,
    maxWorlds: integer(values['max-worlds'], 'max-worlds', 100, 0, 10_000),
    worldTtlMs: duration(values['world-ttl'], 'world-ttl', 24 * 3_600_000),
    store,
    // The dashboard's Scenarios panel runs the engine; the sandbox itself never imports it.
    scenarios: (await import('../../scenarios/dashboard-runner.ts')).createScenarioRunner(),
  })
  const { deps } = server
  const attached = server.integrationUrl
  io.stdout.write(banner(server.url, deps.seed, customers, publicCredentials(deps.credentials), adminKey))
  io.stdout.write(
    attached === null
      ? 'No integration attached: PUT /sandbox/integration {"url": …} to attach one.\n'
      : `Integration under test: ${integration === attached ? attached : `${integration} at ${attached}`}\n`,
  )
  return null
}

function banner(
  url: string,
  seed: number,
  customers: number,
  credentials: ReturnType<typeof publicCredentials>,
  adminKey: string | null,
) {
  const banks = Object.entries(credentials.banks)
    .map(([id, { webhookSecret }]) => `    ${id.padEnd(10)} webhook secret ${webhookSecret}`)
    .join('\n')
  return `Bank Sandbox — fake data only
  listening on ${url}   (seed ${seed}, ${customers} people, banks ${DEFAULT_BANKS.map((b) => b.id).join(', ')})
  demo dashboard  ${url}/demo
  API reference   ${url}/docs   ·   OpenAPI ${url}/openapi.json
Credentials (also at GET ${url}/sandbox/credentials):
    client id     ${credentials.clientId}
    client secret ${credentials.clientSecret}
${banks}
    platform app secret ${credentials.platform.appSecret}
    platform page token ${credentials.platform.pageToken}
${adminKey ? `    admin key (X-Sandbox-Admin-Key) ${adminKey}\n` : ''}`
}

async function generateCommand(args: string[], io: CliIo): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      seed: { type: 'string' },
      customers: { type: 'string' },
      days: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      now: { type: 'string' },
    },
  })
  const format = values.format ?? 'ndjson'
  if (format !== 'ndjson' && format !== 'json' && format !== 'csv')
    throw new UsageError('--format must be ndjson, json or csv.')
  const nowMs = values.now === undefined ? GENERATE_DEFAULT_NOW : Date.parse(values.now)
  if (Number.isNaN(nowMs)) throw new UsageError('--now must be an ISO 8601 date-time.')
  const options = {
    seed: integer(values.seed, 'seed', 42, 0, 2 ** 31 - 1),
    customers: integer(values.customers, 'customers', 100, 1, 100_000_000),
    days: integer(values.days, 'days', 90, 1, 3650),
    nowMs,
    format,
    bankIds: DEFAULT_BANKS.map((bank) => bank.id),
  } as const
  const out = values.out ? createWriteStream(values.out) : io.stdout
  const progress = io.stderr.isTTY ? progressLine(io) : undefined
  const result = await generateWorld(options, out, progress?.update)
  progress?.done(result)
  if (values.out)
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    )
}

/**
 * generate's "now" when --now is not given: a fixed instant, so the same seed gives the
 * same bytes on any day. Pass --now to anchor the history elsewhere.
 */
export const GENERATE_DEFAULT_NOW = Date.parse('2026-01-01T00:00:00.000Z')

function progressLine(io: CliIo) {
  const started = io.wallNow()
  let shown = 0
  return {
    update(done: number, total: number) {
      const now = io.wallNow()
      if (now - shown < 200) return
      shown = now
      const pct = ((100 * done) / total).toFixed(1)
      io.stderr.write(`\rgenerating: ${done}/${total} people (${pct}%)`)
    },
    done(result: { people: number; transactions: number }) {
      const seconds = (io.wallNow() - started) / 1000
      io.stderr.write(
        `\rgenerated ${result.people} people, ${result.transactions} transactions in ${seconds.toFixed(1)} s\n`,
      )
    },
  }
}

async function openapiDocument() {
  const { createDeps } = await import('../deps.ts')
  const { createApp, openApiDocument } = await import('../serving/app.ts')
  const deps = createDeps({
    seed: 42,
    customers: 1,
    days: 1,
    clock: createClock({
      startMs: GENERATE_DEFAULT_NOW,
      mode: 'frozen',
      wallNow: () => GENERATE_DEFAULT_NOW,
    }),
  })
  return openApiDocument(createApp(deps))
}
