import { ControlError, type SandboxClient } from '../sandbox/client.ts'
import { DEFAULT_LEASE_MS, type RunLease } from '../sandbox/control/run-lock.ts'

// A run against a sandbox over HTTP holds the world's run lock (sandbox/control/run-lock.ts)
// from before it attaches its integration until it is done, so no other run moves the
// world's clock or banks beneath it. The lease is renewed while the run goes on; a runner
// that dies without letting go frees the world when its lease runs out.

/** The lease is the sandbox's default, renewed every third of it. */
const RENEW_EVERY_MS = DEFAULT_LEASE_MS / 3
/** How often a waiting run asks again. */
const WAIT_POLL_MS = 1_000

/** Another run is in progress in the world, and this one was not told to wait. */
export class RunInProgress extends Error {}

export interface RunLockOptions {
  /** Who runs what, shown to a run refused meanwhile. */
  label: string
  /** Queue behind a run in progress instead of being refused. */
  wait: boolean
  /** Told once, when the run has to wait: what it waits for, in a sentence. */
  onWait?: (what: string) => void
}

export interface HeldRun {
  /** Lets go of the lock; safe to call more than once. */
  release(): Promise<void>
}

/** Takes the world's run lock (waiting for it, if asked), and keeps it until released. */
export async function holdRun(control: SandboxClient, options: RunLockOptions): Promise<HeldRun> {
  const lease = await claim(control, options)
  // A sandbox from before run locks (404) is run on without one.
  if (!lease) return { release: async () => {} }
  let renewal: Promise<unknown> = Promise.resolve()
  const timer = setInterval(() => {
    renewal = control.call('POST', `/sandbox/runs/${lease.id}/renew`, {}).catch(() => undefined)
  }, RENEW_EVERY_MS)
  timer.unref()
  let released = false
  return {
    async release() {
      if (released) return
      released = true
      clearInterval(timer)
      await renewal
      await control.call('DELETE', `/sandbox/runs/${lease.id}`).catch(() => undefined)
    },
  }
}

async function claim(control: SandboxClient, options: RunLockOptions): Promise<RunLease | null> {
  let told = false
  for (;;) {
    try {
      return await control.call<RunLease>('POST', '/sandbox/runs', {
        label: options.label.slice(0, 200),
        leaseMs: DEFAULT_LEASE_MS,
      })
    } catch (error) {
      if (!(error instanceof ControlError)) throw error
      if (error.status === 404 && error.code === 'not_found' && /^No route matches/.test(error.detail ?? ''))
        return null
      if (error.code !== 'run_in_progress') throw error
      const detail = error.detail ?? error.message
      if (!options.wait) throw new RunInProgress(`run_in_progress: ${detail}`)
      if (!told) options.onWait?.(await waitingFor(control, detail))
      told = true
      await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS))
    }
  }
}

/** The run in progress, as the sandbox lists it; its refusal when it has just ended. */
async function waitingFor(control: SandboxClient, detail: string): Promise<string> {
  const { data } = await control
    .call<{ data: RunLease[] }>('GET', '/sandbox/runs')
    .catch(() => ({ data: [] }))
  const [run] = data
  return run
    ? `Waiting for run ${run.id} (${run.label}), in progress since ${run.startedAt}, to end.`
    : `Waiting: ${detail}`
}
