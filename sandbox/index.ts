import { type Credentials, createSandboxClient, type SandboxClient } from './client.ts'
import { startServing } from './serving/start.ts'
import { createClock } from './time/clock.ts'
import { UsageError } from './usage-error.ts'

// The package's entry, `import { startSandbox } from 'bank-sandbox'`: a whole sandbox in
// the caller's process, for an integration's own tests (like MSW's setupServer or a
// Testcontainers module), started the way `bank-sandbox serve` starts one.

export type {
  Account,
  Card,
  ChatLine,
  ClaimedPerson,
  ClockState,
  Consent,
  Credentials,
  Customer,
  Delivery,
  JournalEntry,
  LinkTap,
  Merchant,
  Money,
  Partnership,
  Purpose,
  SandboxClient,
  Scope,
  Spend,
  Transaction,
} from './client.ts'
export { ControlError, createSandboxClient, WORLD_HEADER } from './client.ts'

export interface StartSandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number
  /** Default 127.0.0.1; anything but loopback needs `adminKey` on every control call. */
  host?: string
  /** The world's seed (default 42): people, accounts, history and credentials follow from it. */
  seed?: number
  /** People in the world (default 1000). */
  customers?: number
  /** Days of history before the clock's start (default 90). */
  days?: number
  /**
   * The integration under test: its base URL (webhooks go to `<url>/webhooks/…`), `reference`,
   * `faulty/<name>`, or null (the default) to attach one later with `control.attach()`.
   */
  integration?: string | null
  /** Where the simulation clock starts (default: now) and whether it runs (default `real`). */
  clock?: { start?: string | number; mode?: 'real' | 'frozen' }
  /** Draw credentials at random instead of deriving them from the seed (always so on a host beyond loopback). */
  randomSecrets?: boolean
  /** On a host beyond loopback: derive credentials from the seed instead of drawing them at random. */
  stableSecrets?: boolean
  /** On a host beyond loopback: let outbound URLs (integration, redirect_uri) reach loopback addresses. */
  allowLoopbackTargets?: boolean
  adminKey?: string
  /** Live worlds (POST /sandbox/worlds) beside the default one (default 100). */
  maxWorlds?: number
  /** A world unused this many ms is let go (default 24 h). */
  worldTtlMs?: number
}

export interface Sandbox {
  /** The sandbox's base URL: the banks at `/banks/{bankId}`, the platform at `/platform`. */
  url: string
  credentials: Credentials
  /** Where the attached integration listens, when one is (a built-in one runs in this process). */
  integrationUrl: string | null
  /** The control API as typed calls. */
  control: SandboxClient
  /** Stops the sandbox (and a built-in integration it started). */
  close(): Promise<void>
}

export async function startSandbox(options: StartSandboxOptions = {}): Promise<Sandbox> {
  const start = startOf(options.clock?.start)
  const clock = createClock({ startMs: start, mode: options.clock?.mode ?? 'real', wallNow: Date.now })
  const serving = await startServing({
    port: whole(options.port, 'port', 0, 0, 65535),
    host: options.host ?? '127.0.0.1',
    seed: whole(options.seed, 'seed', 42, 0, 2 ** 31 - 1),
    customers: whole(options.customers, 'customers', 1000, 1, 100_000_000),
    days: whole(options.days, 'days', 90, 1, 3650),
    clock,
    integration: options.integration ?? null,
    randomSecrets: options.randomSecrets ?? false,
    stableSecrets: options.stableSecrets ?? false,
    allowLoopbackTargets: options.allowLoopbackTargets ?? false,
    adminKey: options.adminKey ?? null,
    maxWorlds: whole(options.maxWorlds, 'maxWorlds', 100, 0, 10_000),
    worldTtlMs: whole(options.worldTtlMs, 'worldTtlMs', 24 * 3_600_000, 1_000, 365 * 86_400_000),
  }).catch((error: unknown) => {
    throw error instanceof UsageError ? new TypeError(error.message.replace(/^--/, '')) : error
  })
  return {
    url: serving.url,
    credentials: structuredClone(serving.deps.credentials),
    integrationUrl: serving.integrationUrl,
    control: createSandboxClient(serving.url, options.adminKey ? { adminKey: options.adminKey } : {}),
    close: () => serving.close(),
  }
}

function startOf(start: string | number | undefined): number {
  if (start === undefined) return Date.now()
  const ms = typeof start === 'number' ? start : Date.parse(start)
  if (!Number.isFinite(ms)) throw new TypeError(`clock.start must be an ISO 8601 date-time, not ${start}.`)
  return ms
}

function whole(value: number | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < min || value > max)
    throw new TypeError(`${name} must be a whole number from ${min} to ${max}.`)
  return value
}
