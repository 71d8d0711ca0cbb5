import type { ControlClient } from './control-client.ts'

// Where a scenario runs. A built-in integration gets its own sandbox and world on
// ephemeral ports (built-in.ts), so runs go in parallel; an external one is driven
// through the one sandbox it is configured for (external.ts).

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

/** The integration's own work is invisible from here: wait until the sandbox sees nothing new for a while. */
export async function settleOverHttp(control: ControlClient): Promise<void> {
  let last = ''
  let stableSince = Date.now()
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    await control.settle()
    const [journal, deliveries] = await Promise.all([control.journal(), control.deliveries()])
    // The newest id, not the length: a full journal keeps its length as calls arrive.
    const now = `${journal.at(-1)?.id ?? 0}/${deliveries.reduce((sum, d) => sum + d.attempts.length, 0)}`
    if (now !== last) {
      last = now
      stableSince = Date.now()
    } else if (Date.now() - stableSince >= 400) {
      return
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
