import { randomInt } from 'node:crypto'
import { DEFAULT_SANDBOX_URL } from '../sandbox/cli/defaults.ts'
import { createSandboxClient } from '../sandbox/client.ts'
import { createDeps } from '../sandbox/deps.ts'
import { startServer } from '../sandbox/serving/server.ts'
import { createClock } from '../sandbox/time/clock.ts'
import { type HeldRun, holdRun, type RunLockOptions } from './run-lock.ts'
import { DEFAULT_REACTION_MS, externalTarget, type Target } from './target.ts'

/**
 * An integration running elsewhere, configured for the sandbox at `sandboxUrl`. If no
 * sandbox answers there, one is started (seed 42, real clock) so the integration's
 * configured credentials hold. The world's run lock is taken before the integration is
 * attached (refused with RunInProgress, or waited for) and let go when the target closes.
 */
export async function startExternalTarget(
  integrationUrl: string,
  where: {
    sandboxUrl?: string
    adminKey?: string | undefined
    world?: string | undefined
    reactionMs?: number
    lock?: Partial<RunLockOptions>
  } = {},
): Promise<Target> {
  const { sandboxUrl = DEFAULT_SANDBOX_URL, adminKey, world, reactionMs = DEFAULT_REACTION_MS } = where
  let closeSandbox = async () => {}
  // A world lives on a running sandbox: starting one here could not hold it.
  if (world === undefined && !(await answers(`${sandboxUrl}/health`))) {
    const url = new URL(sandboxUrl)
    const deps = createDeps({
      seed: 42,
      customers: 1000,
      days: 90,
      claimFrom: randomInt(1000),
      clock: createClock({ startMs: Date.now(), mode: 'real', wallNow: Date.now }),
    })
    const started = await startServer(deps, { port: Number(url.port || 80), host: url.hostname })
    closeSandbox = started.close
  }
  const control = createSandboxClient(sandboxUrl, {
    ...(adminKey ? { adminKey } : {}),
    ...(world ? { world } : {}),
  })
  let held: HeldRun | undefined
  try {
    held = await holdRun(control, {
      label: `a scenario run against ${integrationUrl}`,
      wait: false,
      ...where.lock,
    })
    await control.call('PUT', '/sandbox/integration', { url: integrationUrl })
  } catch (error) {
    await held?.release()
    await closeSandbox()
    throw error
  }
  const run = held
  return externalTarget(control, { sandboxUrl, integrationUrl }, reactionMs, async () => {
    await run.release()
    await closeSandbox()
  })
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok
  } catch {
    return false
  }
}
