import { UsageError } from '../usage-error.ts'
import { generateCommand } from './generate.ts'
import type { CliIo } from './io.ts'
import { openapiDocument } from './openapi.ts'
import { SERVE_USAGE, serveCommand } from './serve.ts'

// Which command runs which module: command parsing only, each command calls into the
// modules. `io` carries the outside world (io.ts), so the CLI runs the same in tests as
// in a shell. This is the one file of the sandbox that reaches the scenario engine
// (scenarios/) and Pact (contracts/); the commands and their plumbing here never do.
//
// Commands load the server, the scenario engine or Pact only when they run: `generate`
// streams for minutes and should not carry the web stack's memory.

const HELP = `bank-sandbox — simulated banks and messaging platform for building bank-to-chat integrations

Usage:
${SERVE_USAGE}  bank-sandbox generate --seed S --customers N --days D [--format ndjson|json|csv] [--out FILE] [--now ISO]
  bank-sandbox scenario list
  bank-sandbox scenario run NAME…|FILE.yaml…|--all [--integration URL|reference[/<name>]|faulty/<name>] [--report FILE.xml|FILE.json]
                            [--sandbox URL] [--admin-key KEY] [--reaction-ms 5000] [--world ID] [--wait]
  bank-sandbox fuzz --integration URL|reference|faulty/<name> [--seed S] [--runs 100] [--budget 60s] [--out DIR]
                    [--report FILE.json|FILE.xml] [--sandbox URL] [--admin-key KEY] [--reaction-ms 5000]
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
        return await serveCommand(rest, io, async () =>
          (await import('../../scenarios/dashboard-runner.ts')).createScenarioRunner(),
        )
      case 'generate':
        await generateCommand(rest, io)
        return 0
      case 'scenario':
        return await (await import('../../scenarios/cli.ts')).scenarioCommand(rest, io)
      case 'fuzz':
        return await (await import('../../scenarios/fuzz/cli.ts')).fuzzCommand(rest, io)
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
