import { builtInIntegration } from '../fixtures/integrations.ts'
import { startIntegration } from '../fixtures/reference/server.ts'
import { createClock } from '../sandbox/clock.ts'
import { publicCredentials } from '../sandbox/credentials.ts'
import { createDeps, type Deps } from '../sandbox/deps.ts'
import { platformIdle } from '../sandbox/platform/records.ts'
import { startServer } from '../sandbox/server.ts'
import { type ControlClient, createControlClient } from './control-client.ts'

// Where a scenario runs. A built-in integration gets its own sandbox and world on
// ephemeral ports, so runs go in parallel; an external one is driven through the one
// sandbox it is configured for.

export interface Target {
  /** `reference`, `faulty/<name>` or the external integration's URL. */
  label: string
  sandboxUrl: string
  integrationUrl: string
  control: ControlClient
  /** Resolves once the sandbox and the integration have nothing left to do. */
  settle(): Promise<void>
  close(): Promise<void>
}

/** Simulation time at which built-in runs start: fixed, so runs repeat exactly. */
export const SCENARIO_EPOCH = Date.parse('2026-06-01T12:00:00.000Z')
export const DEFAULT_SANDBOX_URL = 'http://127.0.0.1:4545'

export class UnknownIntegration extends Error {}

export async function startBuiltInTarget(name: string, seed = 42): Promise<Target> {
  const integration = builtInIntegration(name)
  if (!integration) throw new UnknownIntegration(`Unknown integration "${name}"; see "bank-sandbox integrations".`)
  const clock = createClock({ startMs: SCENARIO_EPOCH, mode: 'frozen', wallNow: Date.now })
  const deps = createDeps({ seed, customers: 400, days: 90, clock })
  const sandbox = await startServer(deps, { port: 0, host: '127.0.0.1' })
  const running = await startIntegration({
    sandboxUrl: sandbox.url,
    credentials: publicCredentials(deps.credentials),
    quirks: integration.quirks,
  })
  deps.integrationUrl = running.url
  return {
    label: name,
    sandboxUrl: sandbox.url,
    integrationUrl: running.url,
    control: createControlClient(sandbox.url),
    settle: () => settleInProcess(deps, running.idle),
    close: async () => {
      await running.close()
      await sandbox.close()
    },
  }
}

/** Waits on every in-process queue until a pass changes nothing observable. */
async function settleInProcess(deps: Deps, integrationIdle: () => Promise<void>): Promise<void> {
  let last = ''
  for (let pass = 0; pass < 200; pass++) {
    await Promise.all([deps.outbox.idle(), platformIdle(deps), integrationIdle()])
    await new Promise((resolve) => setTimeout(resolve, 2))
    const now = activity(deps)
    if (now === last) return
    last = now
  }
}

function activity(deps: Deps): string {
  const attempts = deps.outbox.list().reduce((sum, d) => sum + d.attempts.length, 0)
  let messages = 0
  for (const chat of deps.state.chats.values()) messages += chat.length
  return `${deps.state.journal.length}/${attempts}/${messages}/${deps.state.consents.size}`
}

/**
 * An integration running elsewhere, configured for the sandbox at `sandboxUrl`. If no
 * sandbox answers there, one is started (seed 42, real clock) so the integration's
 * configured credentials hold.
 */
export async function startExternalTarget(integrationUrl: string, sandboxUrl = DEFAULT_SANDBOX_URL, adminKey?: string): Promise<Target> {
  let closeSandbox = async () => {}
  if (!(await answers(`${sandboxUrl}/health`))) {
    const url = new URL(sandboxUrl)
    const deps = createDeps({
      seed: 42,
      customers: 1000,
      days: 90,
      clock: createClock({ startMs: Date.now(), mode: 'real', wallNow: Date.now }),
    })
    const started = await startServer(deps, { port: Number(url.port || 80), host: url.hostname })
    closeSandbox = started.close
  }
  const control = createControlClient(sandboxUrl, adminKey)
  await control.call('PUT', '/sandbox/integration', { url: integrationUrl })
  return {
    label: integrationUrl,
    sandboxUrl,
    integrationUrl,
    control,
    settle: () => settleOverHttp(control),
    close: closeSandbox,
  }
}

/** The integration's own work is invisible from here: wait until the sandbox sees nothing new for a while. */
async function settleOverHttp(control: ControlClient): Promise<void> {
  let last = ''
  let stableSince = Date.now()
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    await control.settle()
    const [journal, deliveries] = await Promise.all([control.journal(), control.deliveries()])
    const now = `${journal.length}/${deliveries.reduce((sum, d) => sum + d.attempts.length, 0)}`
    if (now !== last) {
      last = now
      stableSince = Date.now()
    } else if (Date.now() - stableSince >= 400) {
      return
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok
  } catch {
    return false
  }
}
