import { randomBytes, randomInt } from 'node:crypto'
import { parseArgs } from 'node:util'
import { DEFAULT_BANKS } from '../bank/policy.ts'
import type { ScenarioRunner } from '../control/scenario-runner.ts'
import { publicCredentials } from '../credentials.ts'
import { type Clock, createClock } from '../time/clock.ts'
import { DEFAULT_HOST, DEFAULT_PORT } from './defaults.ts'
import type { CliIo } from './io.ts'
import { duration, parseDays, parsePlatformPolicy, parseSeed, wholeNumber } from './options.ts'

// `bank-sandbox serve`: a sandbox on a socket until the process ends, its credentials
// printed. Loads the server and the store only when it runs.

export const SERVE_USAGE = `  bank-sandbox serve [--port 4545] [--host 127.0.0.1] [--seed 42] [--customers 1000] [--days 90]
                     [--integration URL|reference|faulty/<name>|none] [--random-secrets] [--admin-key KEY]
                     [--stable-secrets] [--allow-loopback-targets]   (a host beyond loopback is shared mode: secrets are
                                                                     random, outbound URLs must resolve to public addresses;
                                                                     these keep seed-derived secrets, let loopback through)
                     [--request-timeout 30]   (seconds for a whole request to arrive, else 408)
                     [--platform-policy open|window]   (the messaging window: open lets the integration write
                                                       at any time, window applies the 24-hour rule; default open)
                     [--max-worlds 100] [--world-ttl 24h]   (worlds made with POST /sandbox/worlds)
                     [--data-dir DIR | --database postgres://…]   (keep state: on disk, or in PostgreSQL;
                                                                   DATABASE_URL works too; default: memory)
`

/** Resolves to null once the server listens (it keeps running), or 0 after --help. */
export async function serveCommand(
  args: string[],
  io: CliIo,
  scenarioRunner: () => Promise<ScenarioRunner>,
): Promise<number | null> {
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
      'platform-policy': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    io.stdout.write(`Usage:\n${SERVE_USAGE}`)
    return 0
  }
  const host = values.host ?? DEFAULT_HOST
  const port = wholeNumber(values.port, 'port', 0, 65535) ?? DEFAULT_PORT
  const askedSeed = parseSeed(values.seed)
  const customers = wholeNumber(values.customers, 'customers', 1, 100_000_000) ?? 1000
  const days = parseDays(values.days) ?? 90
  const platformPolicy = parsePlatformPolicy(values['platform-policy'])
  const requestTimeout = wholeNumber(values['request-timeout'], 'request-timeout', 1, 3600) ?? 30
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
  const kept = store.state.settings.get('attached')
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
    maxWorlds: wholeNumber(values['max-worlds'], 'max-worlds', 0, 10_000) ?? 100,
    worldTtlMs: duration(values['world-ttl'], 'world-ttl') ?? 24 * 3_600_000,
    ...(platformPolicy ? { platformPolicy } : {}),
    store,
    // The dashboard's Scenarios panel runs the engine, which the dispatcher loads: the
    // sandbox itself never imports it.
    scenarios: await scenarioRunner(),
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
