import type { Book } from '../bank/book.ts'
import { advanceDisputes } from '../bank/disputes.ts'
import { consentLifecycle, runPartnerships } from '../bank/lifecycle.ts'
import { dropStalePending } from '../bank/pending-consents.ts'
import { type CustomerKey, linkedCustomers, scanAccount, type TransactionObserver } from '../bank/scan.ts'
import type { Deps } from '../deps.ts'
import { type SandboxState, scannedThrough } from '../store/state.ts'
import type { Customer, World } from '../synthetic/types.ts'
import { toIso } from './clock.ts'

// Catching up with the clock: whatever fell due since the last catch-up happens now. A
// long clock move makes a lot fall due at once (a year of 300 linked customers' spending
// is seconds of work), so the work goes in slices, each yielding to the event loop: the
// server keeps answering while a move is worked through. The clock itself jumps at once;
// the slices do exactly what one step in one go would, in the same order (each linked
// account's new transactions, then each consent's expiry), so a sliced move tells the
// integration the same things.
//
// Catch-ups of one sandbox run one after another. A synchronous catch-up (an injected
// transaction, an attached integration) first finishes the one in flight, so nothing is
// scanned twice; a reset abandons it, since it belongs to the world that was.

/**
 * How long a slice works before it yields, plus the piece it is on: an account's year
 * takes the fraud engine up to a few tens of ms, so a slice stays well under 50 ms.
 */
export const SLICE_MS = 10

interface Job {
  fromMs: number
  toMs: number
  /** The world the job works on: a reset or another instance's replaces them, and the job is void. */
  state: SandboxState
  book: Book
  /** Made one at a time as the slices get to them: making hundreds at once is a stall of its own. */
  linked: CustomerKey[]
  /** Linked customers whose accounts are all scanned. */
  scanned: number
  finished: boolean
  /** The work, one piece per step. */
  steps: Iterator<void>
}

interface Runner {
  /** The last catch-up asked for; the next one starts when it has settled. */
  queue: Promise<void>
  job: Job | null
  sliceMs: number
  /**
   * The linked customers met so far, by bank and id. The world keeps only a few hundred
   * customers memoised and makes the others again (names and all) when asked; the clock
   * ticks four times a second, and every tick would remake hundreds of linked customers.
   */
  customers: { world: World; byId: Map<string, Customer> }
}

declare module '../deps.ts' {
  interface WorldMemory {
    /** The world's catch-ups: the one in flight and the next one asked for. */
    catchUp?: Runner
  }
}

function runnerOf(deps: Deps): Runner {
  deps.memory.catchUp ??= {
    queue: Promise.resolve(),
    job: null,
    sliceMs: SLICE_MS,
    customers: { world: deps.world, byId: new Map<string, Customer>() },
  }
  return deps.memory.catchUp
}

/** How long each slice may work; 0 yields after every piece (tests use it to see the slices). */
export function setSliceTime(deps: Deps, ms: number): void {
  runnerOf(deps).sliceMs = ms
}

/**
 * Catches up now, in one go: first the rest of a catch-up in flight, then whatever fell
 * due since. For callers that need the world up to date before their next line.
 */
export function catchUpNow(deps: Deps, observers: readonly TransactionObserver[]): void {
  if (!deps.leads) {
    deps.outbox.dispatchDue()
    return
  }
  const runner = runnerOf(deps)
  if (runner.job && current(deps, runner.job)) finish(runner.job)
  finish(plan(deps, runner, observers))
}

/**
 * Runs `change` (a clock move; it may throw to refuse) after every catch-up asked for
 * before, then catches up in slices. Resolves once all of it is done, or abandoned by a reset.
 */
export function catchUpInSlices(
  deps: Deps,
  observers: readonly TransactionObserver[],
  change: () => void = () => {},
): Promise<void> {
  const runner = runnerOf(deps)
  const run = runner.queue.then(async () => {
    change()
    // Instances sharing a database: one that does not lead makes no time-driven changes, but
    // delivers, and answers once the leader has made them, as the leader would.
    if (!deps.leads) {
      deps.outbox.dispatchDue()
      return leaderCaughtUp(deps, deps.clock.now())
    }
    const job = plan(deps, runner, observers)
    runner.job = job
    try {
      await work(deps, runner, job)
    } finally {
      if (runner.job === job) runner.job = null
    }
  })
  runner.queue = run.catch(() => undefined)
  return run
}

/** How long an instance that does not lead waits at most for the leader to catch up with a clock move. */
const LEADER_WAIT_MS = 30_000
const LEADER_LOOK_MS = 20

/** Resolves once the leading instance has scanned through `toMs` (taking in what it changed), or after LEADER_WAIT_MS. */
async function leaderCaughtUp(deps: Deps, toMs: number): Promise<void> {
  const deadline = deps.clock.wallNow() + LEADER_WAIT_MS
  while (scannedThrough(deps.state, toMs) < toMs && deps.clock.wallNow() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, LEADER_LOOK_MS))
    await deps.store.catchUp()
  }
}

function plan(deps: Deps, runner: Runner, observers: readonly TransactionObserver[]): Job {
  const toMs = deps.clock.now()
  const fromMs = scannedThrough(deps.state, toMs)
  const linked = toMs > fromMs ? linkedCustomers(deps, fromMs) : []
  const job = { fromMs, toMs, state: deps.state, book: deps.book, linked, scanned: 0, finished: false }
  return Object.assign(job, { steps: steps(deps, runner, job, observers) })
}

/**
 * Everything that fell due, a piece at a time: each linked account's new transactions,
 * told to the observers in one call; then each consent's expiry; then the rest, once.
 * The scan is marked done only when it is: a process that dies mid-move scans the move
 * again when it comes back, and webhooks are at-least-once, where losing some would not be.
 */
function* steps(
  deps: Deps,
  runner: Runner,
  job: Omit<Job, 'steps'>,
  observers: readonly TransactionObserver[],
): Generator<void> {
  for (const key of job.linked) {
    const customer = customerOf(deps, runner, key)
    for (const account of customer?.accounts ?? []) {
      if (customer) scanAccount(deps, customer, account, job.fromMs, job.toMs, observers)
      yield
    }
    job.scanned++
  }
  if (job.toMs > job.fromMs) deps.state.settings.set('scannedThroughMs', job.toMs)
  for (const id of [...deps.state.consents.keys()]) {
    const consent = deps.state.consents.get(id)
    if (consent) consentLifecycle(deps, consent)
    yield
  }
  dropStalePending(deps)
  runPartnerships(deps)
  advanceDisputes(deps)
  deps.outbox.dispatchDue()
}

function customerOf(deps: Deps, runner: Runner, { bankId, customerId }: CustomerKey): Customer | undefined {
  if (runner.customers.world !== deps.world) runner.customers = { world: deps.world, byId: new Map() }
  const { world, byId } = runner.customers
  const key = `${bankId}/${customerId}`
  let customer = byId.get(key)
  if (!customer) {
    customer = world.customer(bankId, customerId)
    if (customer) byId.set(key, customer)
  }
  return customer
}

function current(deps: Deps, job: Job): boolean {
  return !job.finished && deps.state === job.state && deps.book === job.book
}

async function work(deps: Deps, runner: Runner, job: Job): Promise<void> {
  while (current(deps, job)) {
    const started = performance.now()
    do {
      if (job.steps.next().done) {
        job.finished = true
        return
      }
    } while (performance.now() - started < runner.sliceMs)
    progress(deps, job)
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
}

/** The rest of the job, in one go. */
function finish(job: Job): void {
  while (!job.steps.next().done);
  job.finished = true
}

function progress(deps: Deps, job: Job): void {
  deps.bus.publish('clock.progress', toIso(deps.clock.now()), {
    from: toIso(job.fromMs),
    to: toIso(job.toMs),
    customersScanned: job.scanned,
    customersLinked: job.linked.length,
  })
}
