// An in-process feed of everything that happens, for GET /sandbox/events and the
// dashboard. Listeners get events synchronously; a short history lets a page that
// connects late catch up.

export interface SandboxEvent {
  /** e.g. 'webhook.attempt', 'platform.message', 'clock.moved', 'consent.created' */
  kind: string
  at: string
  data: unknown
}

export interface Bus {
  publish(kind: string, at: string, data: unknown): void
  subscribe(listener: (event: SandboxEvent) => void): () => void
  recent(): readonly SandboxEvent[]
}

export function createBus(historySize = 200): Bus {
  const listeners = new Set<(event: SandboxEvent) => void>()
  const history: SandboxEvent[] = []
  return {
    publish(kind, at, data) {
      const event = { kind, at, data }
      history.push(event)
      if (history.length > historySize) history.shift()
      for (const listener of listeners) listener(event)
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    recent: () => history,
  }
}
