// An in-process feed of everything that happens, for GET /sandbox/events and the
// dashboard. Listeners get events synchronously; a page that connects late reads the
// journal and webhook lists for what came before.

export interface SandboxEvent {
  /** e.g. 'webhook.attempt', 'platform.message', 'clock.moved', 'consent.created' */
  kind: string
  at: string
  data: unknown
}

export interface Bus {
  publish(kind: string, at: string, data: unknown): void
  /** Whether anyone listens: lets a hot path skip building an event nobody reads. */
  listening(): boolean
  subscribe(listener: (event: SandboxEvent) => void): () => void
}

export function createBus(): Bus {
  const listeners = new Set<(event: SandboxEvent) => void>()
  return {
    publish(kind, at, data) {
      // Every bank call publishes; with nobody listening that must cost nothing.
      if (listeners.size === 0) return
      const event = { kind, at, data }
      for (const listener of listeners) listener(event)
    },
    listening: () => listeners.size > 0,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
