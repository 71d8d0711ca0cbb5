import type { Deps } from '../deps.ts'
import type { SandboxState } from '../store/state.ts'

// The platform simulation's records (user-message deliveries, link taps, how each user
// answers links) are tables of the store (`state.inbound`, `state.taps`,
// `state.linkBehaviour`). What lives here is work in progress, which belongs to the
// process: each user's delivery queue, and background tasks `platformIdle` waits for.

export type { InboundDelivery, LinkBehaviour, LinkTap } from '../store/records.ts'

const queues = new WeakMap<SandboxState, Map<string, Promise<void>>>()

/** userId → the end of that user's delivery queue: one user's messages arrive in order. */
export function userQueues(deps: Deps): Map<string, Promise<void>> {
  let found = queues.get(deps.state)
  if (!found) {
    found = new Map()
    queues.set(deps.state, found)
  }
  return found
}

const running = new WeakMap<Deps, Set<Promise<void>>>()

/** Runs `work` in the background; `platformIdle` waits for it. Never rejects. */
export function inBackground(deps: Deps, work: () => Promise<void>): void {
  let set = running.get(deps)
  if (!set) {
    set = new Set()
    running.set(deps, set)
  }
  const tracked = set
  const task: Promise<void> = work()
    .catch((error: unknown) => console.error('platform background work failed:', error))
    .finally(() => tracked.delete(task))
  tracked.add(task)
}

/** Resolves once no delivery, retry or link tap is under way (including ones they started). */
export async function platformIdle(deps: Deps): Promise<void> {
  const set = running.get(deps)
  while (set && set.size > 0) await Promise.all([...set])
}
