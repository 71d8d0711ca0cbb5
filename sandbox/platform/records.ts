import type { Deps } from '../deps.ts'
import type { SandboxState } from '../store/state.ts'

// What the platform simulation remembers besides the chat lines in `state.chats`.
// Records belong to one world: they hang off its SandboxState, so a reset drops them
// with the chats. Background work (deliveries, taps) belongs to the process: it hangs
// off Deps, so `platformIdle(deps)` can wait for it. Both are WeakMaps keyed by their
// owner, not global state: nothing outlives the object it describes.

export type LinkBehaviour = 'approve' | 'deny' | 'ignore'

export interface DeliveryAttempt {
  number: number
  /** Wall-clock time of the attempt. */
  at: string
  statusCode: number | null
  latencyMs: number
  /** Why there was no HTTP answer (timeout, refused), in our words. */
  error: string | null
}

/** One user message on its way to the integration's /webhooks/platform. */
export interface InboundDelivery {
  mid: string
  userId: string
  /** held: no integration was attached when the user typed it. */
  status: 'pending' | 'delivered' | 'failed' | 'held'
  attempts: DeliveryAttempt[]
}

/** What happened when the simulated user tapped an authorize link. */
export interface LinkTap {
  /** The message whose link was tapped. */
  mid: string
  userId: string
  bankId: string
  at: string
  /**
   * linked: approved, and the redirect_uri answered 2xx/3xx · denied: the redirect carried
   * an `error` and was answered 2xx/3xx · refused: the bank showed an error page, nobody
   * was redirected · callback_failed: the redirect_uri answered otherwise, or not at all.
   */
  outcome: 'pending' | 'linked' | 'denied' | 'refused' | 'callback_failed'
  /** The OAuth `error` sent to the redirect_uri, or the problem code of a refusal. */
  error: string | null
  consentId: string | null
  /** The redirect_uri's HTTP status; null when not called or unanswered. */
  status: number | null
  /** Why the redirect_uri gave no HTTP answer (timeout, refused). */
  callbackError: string | null
}

export interface PlatformRecords {
  deliveries: Map<string, InboundDelivery>
  /** userId → taps, oldest first. */
  links: Map<string, LinkTap[]>
  /** userId → how they answer authorize links; absent means approve. */
  behaviour: Map<string, LinkBehaviour>
  /** userId → the end of that user's delivery queue: one user's messages arrive in order. */
  queues: Map<string, Promise<void>>
}

const records = new WeakMap<SandboxState, PlatformRecords>()

export function platformRecords(state: SandboxState): PlatformRecords {
  let found = records.get(state)
  if (!found) {
    found = { deliveries: new Map(), links: new Map(), behaviour: new Map(), queues: new Map() }
    records.set(state, found)
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
