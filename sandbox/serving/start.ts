import type { ScenarioRunner } from '../control/scenario-runner.ts'
import { createDeps, type Deps } from '../deps.ts'
import { isLoopbackName } from '../http/host-guard.ts'
import { checkTargetUrl, LOCAL_TARGETS, type TargetRules } from '../http/url-guard.ts'
import type { Store } from '../store/store.ts'
import type { Clock } from '../time/clock.ts'
import { UsageError } from '../usage-error.ts'
import { openWorld, reopenWorld } from '../worlds/open-world.ts'
import { createWorldRegistry, DEFAULT_MAX_WORLDS, DEFAULT_WORLD_TTL_MS } from '../worlds/registry.ts'
import { newWorldId } from '../worlds/world-id.ts'
import { attachIntegration } from './attach.ts'
import { builtInNames, integrationTarget } from './integration-target.ts'
import { startServer } from './server.ts'

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
  /** Locally: draw secrets at random instead of deriving them from the seed. */
  randomSecrets?: boolean
  /** Shared mode (a host beyond loopback): derive secrets from the seed, as locally, instead of at random. */
  stableSecrets?: boolean
  /** Shared mode: let outbound URLs reach loopback addresses (a trusted private network). */
  allowLoopbackTargets?: boolean
  adminKey?: string | null
  claimFrom?: number
  /** A whole request must arrive within this many ms (default 30 s), or it gets 408. */
  requestTimeoutMs?: number
  /** Where state is kept (default: memory). */
  store?: Store
  /** What the dashboard runs scenarios with (`serve` passes the scenario engine); default: none. */
  scenarios?: ScenarioRunner
  /** The messaging platform's policy (default open). */
  platformPolicy?: 'open' | 'window'
  /** Live worlds beside the default one (default 100); more answer 429. */
  maxWorlds?: number
  /** A world unused this long is let go (default 24 h). */
  worldTtlMs?: number
}

export interface Serving {
  url: string
  deps: Deps
  /** Where the attached integration listens (a built-in one runs in this process). */
  integrationUrl: string | null
  /** Stops the built-in integration, if any, then the server. */
  close(): Promise<void>
}

/** The integration option as given, or a usage error that says what is accepted (in shared mode, after resolving its host). */
export async function checkIntegration(
  integration: string | null,
  targets: TargetRules = LOCAL_TARGETS,
): Promise<void> {
  if (integration === null) return
  const target = integrationTarget(integration)
  if (!target) throw new UsageError(`--integration must be a URL, "none", or one of: ${builtInNames()}.`)
  if ('url' in target) {
    const refusal = await checkTargetUrl(target.url, targets)
    if (refusal) throw new UsageError(`--integration: ${refusal}`)
  }
}

/** Shared mode is a server bound beyond loopback: its outbound URLs are resolved and judged strictly. */
export function targetRules(options: Pick<ServeOptions, 'host' | 'allowLoopbackTargets'>): TargetRules {
  if (isLoopbackName(options.host)) return LOCAL_TARGETS
  return { shared: true, allowLoopback: options.allowLoopbackTargets ?? false }
}

/** Locally secrets follow from the seed unless asked; in shared mode they are random unless asked. */
function randomSecrets(options: ServeOptions, shared: boolean): boolean {
  if (options.randomSecrets && options.stableSecrets)
    throw new UsageError('--random-secrets and --stable-secrets cannot both be given.')
  return shared ? !options.stableSecrets : (options.randomSecrets ?? false)
}

export async function startServing(options: ServeOptions): Promise<Serving> {
  const targets = targetRules(options)
  await checkIntegration(options.integration, targets)
  const deps = createDeps({
    seed: options.seed,
    customers: options.customers,
    days: options.days,
    clock: options.clock,
    randomSecrets: randomSecrets(options, targets.shared),
    targets,
    adminKey: options.adminKey ?? null,
    ...(options.claimFrom === undefined ? {} : { claimFrom: options.claimFrom }),
    ...(options.store === undefined ? {} : { store: options.store }),
    ...(options.scenarios === undefined ? {} : { scenarios: options.scenarios }),
    ...(options.platformPolicy === undefined ? {} : { platformPolicy: options.platformPolicy }),
  })
  deps.server.worlds = createWorldRegistry({
    maxWorlds: options.maxWorlds ?? DEFAULT_MAX_WORLDS,
    ttlMs: options.worldTtlMs ?? DEFAULT_WORLD_TTL_MS,
    wallNow: options.clock.wallNow,
    newId: newWorldId,
    open: (id, record) => openWorld(deps, id, record),
    mayDrop: () => deps.leads,
  })
  // A kept store opens the worlds it kept, as it left them.
  for (const id of await deps.store.engine.worldIds()) await reopenWorld(deps, deps.server.worlds, id)
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
        await deps.server.worlds?.closeAll()
        await server.close()
        await deps.store.close()
      },
    }
  } catch (error) {
    await deps.server.worlds.closeAll()
    await server.close()
    throw error
  }
}
