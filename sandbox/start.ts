import { BUILT_IN_INTEGRATIONS, builtInIntegration } from '../fixtures/integrations.ts'
import { attachIntegration } from './attach.ts'
import type { Clock } from './clock.ts'
import type { ScenarioRunner } from './control/scenario-runner.ts'
import { createDeps, type Deps } from './deps.ts'
import { refuseTargetUrl } from './http/url-guard.ts'
import { startServer } from './server.ts'
import type { Store } from './store/store.ts'
import { UsageError } from './usage-error.ts'

// One way to bring a sandbox up on a socket, for `bank-sandbox serve` and for
// `startSandbox()` alike: the world, the server, then the integration under test.

export interface ServeOptions {
  port: number
  host: string
  seed: number
  customers: number
  days: number
  clock: Clock
  /** A base URL, `reference`, `faulty/<name>`, or null for none yet. */
  integration: string | null
  randomSecrets?: boolean
  adminKey?: string | null
  claimFrom?: number
  /** A whole request must arrive within this many ms (default 30 s), or it gets 408. */
  requestTimeoutMs?: number
  /** Where state is kept (default: memory). */
  store?: Store
  /** What the dashboard runs scenarios with (`serve` passes the scenario engine); default: none. */
  scenarios?: ScenarioRunner
}

export interface Serving {
  url: string
  deps: Deps
  /** Where the attached integration listens (a built-in one runs in this process). */
  integrationUrl: string | null
  /** Stops the built-in integration, if any, then the server. */
  close(): Promise<void>
}

/** The integration option as given, or a usage error that says what is accepted. */
export function checkIntegration(integration: string | null): void {
  if (integration === null) return
  if (/^https?:\/\//i.test(integration)) {
    const refusal = refuseTargetUrl(integration)
    if (refusal) throw new UsageError(`--integration: ${refusal}`)
  } else if (!builtInIntegration(integration)) {
    throw new UsageError(
      `--integration must be a URL, "none", or one of: ${BUILT_IN_INTEGRATIONS.map((i) => i.name).join(', ')}.`,
    )
  }
}

export async function startServing(options: ServeOptions): Promise<Serving> {
  checkIntegration(options.integration)
  const deps = createDeps({
    seed: options.seed,
    customers: options.customers,
    days: options.days,
    clock: options.clock,
    randomSecrets: options.randomSecrets ?? false,
    adminKey: options.adminKey ?? null,
    ...(options.claimFrom === undefined ? {} : { claimFrom: options.claimFrom }),
    ...(options.store === undefined ? {} : { store: options.store }),
    ...(options.scenarios === undefined ? {} : { scenarios: options.scenarios }),
  })
  const server = await startServer(deps, {
    port: options.port,
    host: options.host,
    ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
  })
  try {
    const integrationUrl =
      options.integration === null ? null : await attachIntegration(deps, options.integration, server.url)
    return {
      url: server.url,
      deps,
      integrationUrl,
      async close() {
        await deps.runningIntegration?.close()
        deps.runningIntegration = null
        await server.close()
        await deps.store.close()
      },
    }
  } catch (error) {
    await server.close()
    throw error
  }
}
