import type { SandboxClient } from '../sandbox/client.ts'
import { DEFAULT_REACTION_MS } from '../sandbox/evidence/triggers.ts'

// Where a scenario runs. A built-in integration gets its own sandbox and world on
// ephemeral ports (built-in.ts), so runs go in parallel; an external one is driven
// through the one sandbox it is configured for (external.ts).

export interface Target {
  /** `reference`, `faulty/<name>` or the external integration's URL. */
  label: string
  sandboxUrl: string
  integrationUrl: string
  control: SandboxClient
  /**
   * True when `settle` sees every queue, the integration's included (built-ins run in this
   * process): once settled, nothing more can happen, so no reaction budget is waited out.
   */
  exact: boolean
  /** Wall time the integration is given to react to each step (the reaction budget). */
  reactionMs: number
  /** Resolves once the sandbox and the integration have nothing left to do (or seem not to). */
  settle(): Promise<void>
  close(): Promise<void>
}

/** Simulation time at which built-in runs start: fixed, so runs repeat exactly. */
export const SCENARIO_EPOCH = Date.parse('2026-06-01T12:00:00.000Z')
/** How long an integration may take to react to a step, in wall milliseconds: the evidence's default too. */
export { DEFAULT_REACTION_MS }

/** The quiet that counts as "the integration is done for now" between two steps. */
const QUIET_MS = 400

/** An integration the runner sees only on the wires: the sandbox's own queues plus a quiet spell. */
export function externalTarget(
  control: SandboxClient,
  urls: { sandboxUrl: string; integrationUrl: string },
  reactionMs = DEFAULT_REACTION_MS,
  close: () => Promise<void> = async () => {},
): Target {
  return {
    label: urls.integrationUrl,
    ...urls,
    control,
    exact: false,
    reactionMs,
    settle: () => settleOverHttp(control, reactionMs),
    close,
  }
}

/**
 * The integration's own work is invisible from here: wait until the sandbox sees nothing
 * new for a moment, at most the reaction budget. Marks wait out the rest of the budget
 * where a verdict needs it (reaction.ts); this only keeps steps from overlapping.
 */
export async function settleOverHttp(control: SandboxClient, budgetMs = DEFAULT_REACTION_MS): Promise<void> {
  let last = ''
  let stableSince = Date.now()
  const deadline = Date.now() + budgetMs
  while (Date.now() < deadline) {
    await control.settle()
    const [journal, deliveries] = await Promise.all([control.journal(), control.deliveries()])
    // The newest id, not the length: a full journal keeps its length as calls arrive.
    const now = `${journal.at(-1)?.id ?? 0}/${deliveries.reduce((sum, d) => sum + d.attempts.length, 0)}`
    if (now !== last) {
      last = now
      stableSince = Date.now()
    } else if (Date.now() - stableSince >= QUIET_MS) {
      return
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
