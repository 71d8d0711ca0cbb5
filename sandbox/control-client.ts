import type { LinkTap } from './platform/records.ts'
import type { JournalEntry } from './store/journal.ts'
import type { ChatMessage } from './store/state.ts'
import type { Attempt } from './webhooks/outbox.ts'

// The runner drives the sandbox only through its HTTP surface, so the same code runs
// against an in-process sandbox and one an external integration is configured for.

export interface ClaimedPerson {
  platformUserId: string
  name: string
  banks: Record<string, { customerId: string; cardId: string; last4: string }>
}

/** The wire shapes of the control API, as the sandbox defines them. */
export type ChatLine = ChatMessage
export type { JournalEntry }

export interface Delivery {
  id: string
  bankId: string
  type: string
  status: string
  attempts: Attempt[]
  payload: { data?: Record<string, unknown> }
}

export interface ConsentView {
  id: string
  customerId: string
  status: string
  revokedBy: string | null
}

export class ControlError extends Error {
  constructor(
    message: string,
    /** The HTTP status, and the problem's code and detail when the answer was problem+json. */
    readonly status: number,
    readonly code: string | undefined,
    readonly detail: string | undefined,
  ) {
    super(message)
  }
}

/** The header that picks a world on a sandbox serving several; absent, the default world. */
export const WORLD_HEADER = 'X-Sandbox-World'

export function createControlClient(sandboxUrl: string, adminKey?: string, world?: string) {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {}
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    if (adminKey) headers['X-Sandbox-Admin-Key'] = adminKey
    if (world) headers[WORLD_HEADER] = world
    const res = await fetch(`${sandboxUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    if (!res.ok) {
      const problem = (await res.json().catch(() => ({}))) as { detail?: string; code?: string }
      throw new ControlError(
        `${method} ${path.split('?')[0]} answered ${res.status} ${problem.code ?? ''}: ${problem.detail ?? ''}`,
        res.status,
        problem.code,
        problem.detail,
      )
    }
    return (res.status === 204 ? undefined : await res.json()) as T
  }

  /** Every page of a paged control list, oldest first. */
  async function everyPage<T>(path: string): Promise<T[]> {
    const all: T[] = []
    for (let cursor: string | null = null; ; ) {
      const page: { data: T[]; nextCursor: string | null } = await call(
        'GET',
        cursor === null ? path : `${path}?cursor=${encodeURIComponent(cursor)}`,
      )
      all.push(...page.data)
      if (page.nextCursor === null) return all
      cursor = page.nextCursor
    }
  }

  return {
    call,
    credentials: () =>
      call<{
        clientId: string
        clientSecret: string
        banks: Record<string, { webhookSecret: string; previousWebhookSecret?: string }>
        platform: { appSecret: string; pageToken: string }
      }>('GET', '/sandbox/credentials'),
    claim: (banks: string[], notAt: string[]) =>
      call<ClaimedPerson>('POST', '/sandbox/people/claim', { banks, notAt }),
    say: (userId: string, text: string) =>
      call<{ mid: string }>('POST', `/sandbox/platform/users/${userId}/messages`, { text }),
    chat: async (userId: string) =>
      (await call<{ data: ChatLine[] }>('GET', `/sandbox/platform/users/${userId}/messages`)).data,
    /** The authorize links the user tapped, and how each ended. */
    taps: async (userId: string) =>
      (await call<{ links: LinkTap[] }>('GET', `/sandbox/platform/users/${userId}/messages`)).links,
    journal: () => everyPage<JournalEntry>('/sandbox/journal'),
    deliveries: () => everyPage<Delivery>('/sandbox/webhooks'),
    consents: async (bankId: string, customerId: string) =>
      (
        await call<{ data: ConsentView[] }>(
          'GET',
          `/sandbox/banks/${bankId}/consents?customerId=${customerId}`,
        )
      ).data,
    customer: (bankId: string, customerId: string) =>
      call<{ cards: { id: string; status: string }[] }>(
        'GET',
        `/sandbox/banks/${bankId}/customers/${customerId}`,
      ),
    settle: () => call<{ settled: boolean }>('POST', '/sandbox/settle'),
  }
}

export type ControlClient = ReturnType<typeof createControlClient>
