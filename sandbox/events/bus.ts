// An in-process feed of everything that happens, for GET /sandbox/events and the
// dashboard. Listeners get events synchronously; a page that connects late reads the
// journal and webhook lists for what came before.

export interface SandboxEvent {
  /** e.g. 'webhook.attempt', 'platform.message', 'clock.moved', 'consent.created' */
  kind: string
  at: string
  data: unknown
}

type Listener = (event: SandboxEvent) => void

export interface Bus {
  publish(kind: string, at: string, data: unknown): void
  /** Whether anyone listens for `kind`: lets a hot path skip building an event nobody reads. */
  listening(kind: string): boolean
  /** `listener` hears every event, or with `kinds` only those: the others cost it nothing. */
  subscribe(listener: Listener, kinds?: readonly string[]): () => void
}

export function createBus(): Bus {
  const everything = new Set<Listener>()
  const byKind = new Map<string, Set<Listener>>()
  const listening = (kind: string) => everything.size > 0 || byKind.has(kind)
  return {
    publish(kind, at, data) {
      // Every bank call publishes; with nobody listening for it that must cost nothing.
      if (!listening(kind)) return
      const event = { kind, at, data }
      for (const listener of everything) listener(event)
      for (const listener of byKind.get(kind) ?? []) listener(event)
    },
    listening,
    subscribe(listener, kinds) {
      if (kinds === undefined) {
        everything.add(listener)
        return () => everything.delete(listener)
      }
      for (const kind of kinds) byKind.set(kind, (byKind.get(kind) ?? new Set()).add(listener))
      return () => {
        for (const kind of kinds) {
          const listeners = byKind.get(kind)
          listeners?.delete(listener)
          if (listeners?.size === 0) byKind.delete(kind)
        }
      }
    },
  }
}
