import type { Deps } from '../deps.ts'
import type { SandboxState } from '../store/state.ts'

// The platform simulation's records (user-message deliveries, link taps, how each user
// answers links) are tables of the store (`state.inbound`, `state.taps`,
// `state.linkBehaviour`). What lives here is work in progress, which belongs to the
// process: each user's delivery queue, and background tasks `platformIdle` waits for.

export type { InboundDelivery, LinkBehaviour, LinkTap } from '../store/records.ts'

declare module '../deps.ts' {
  interface WorldMemory {
    /** userId → the end of that user's delivery queue, for the current store state. */
    userQueues?: { state: SandboxState; ends: Map<string, Promise<void>> }
    /** The platform's background work in flight: deliveries, retries, link taps. */
    platformWork?: Set<Promise<void>>
  }
}

/** userId → the end of that user's delivery queue: one user's messages arrive in order. */
export function userQueues(deps: Deps): Map<string, Promise<void>> {
  const known = deps.memory.userQueues
  if (known && known.state === deps.state) return known.ends
  const ends = new Map<string, Promise<void>>()
  deps.memory.userQueues = { state: deps.state, ends }
  return ends
}

/** Runs `work` in the background; `platformIdle` waits for it. Never rejects. */
export function inBackground(deps: Deps, work: () => Promise<void>): void {
  deps.memory.platformWork ??= new Set()
  const tracked = deps.memory.platformWork
  const task: Promise<void> = work()
    .catch((error: unknown) => console.error('platform background work failed:', error))
    .finally(() => tracked.delete(task))
  tracked.add(task)
}

/** Resolves once no delivery, retry or link tap is under way (including ones they started). */
export async function platformIdle(deps: Deps): Promise<void> {
  const set = deps.memory.platformWork
  while (set && set.size > 0) await Promise.all([...set])
}
